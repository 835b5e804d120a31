// What the machine allows the sandbox, probed once per process: namespaces, the private
// root, cgroups (v1 or v2), the uid drop. Internal to the sandbox; sandbox.h's ProbeSandbox()
// shows the public part.
#pragma once

#include <sys/types.h>

#include <string>

#include "sandbox.h"
#include "sandbox_cgroup.h"

namespace lab::grader::sandbox_internal {

// Per-run uids when the grader is root: distinct runs get distinct uids, so one submission
// cannot signal, trace or write into another's files, and RLIMIT_NPROC counts one sandbox.
constexpr uid_t kUidPoolBase = 2'000'000'000;
constexpr unsigned kUidPoolSize = 4096;
constexpr uid_t kNobody = 65534;

struct Host {
  SandboxCapabilities caps;
  bool root = false;
  unsigned long clone_flags = 0;  // every namespace flag that works, NEWNET included
  bool uts_ns = false;
  CgroupLayout cgroups;
  uid_t uid_base = kNobody;
  unsigned uid_pool = 1;
  bool nproc_limit = false;  // RLIMIT_NPROC counts only this sandbox's processes
  uid_t own_uid = 0;
  gid_t own_gid = 0;
};

// The probe's result, computed on first use (thread-safe).
const Host& GetHost();

// The cgroup layout this machine allows: v1 where its pids or memory controller is mounted
// and writable, else the grader's delegated v2 cgroup, else none (`*problem` says why v2
// could not be used, when a v2 hierarchy is there).
CgroupLayout ProbeCgroups(std::string* problem);

// LAB_SANDBOX_DISABLE=user,pid,net,mount,pids,memory,uid turns features off as if the
// kernel refused them: the only way to exercise the degraded paths on a capable machine.
bool Disabled(std::string_view feature);

}  // namespace lab::grader::sandbox_internal
