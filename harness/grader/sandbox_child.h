// The sandbox's child side: the code that runs between clone() and execve() (the sandbox
// init and the program's last steps before exec), and the small probes the host check runs
// in children. Internal to the sandbox.
//
// Everything marked LAB_CHILD_CODE runs between clone() and execve() or exit: raw system
// calls only (libc wrappers and sanitizer interceptors may take locks that another grader
// thread held at clone time), no allocation, no instrumentation, plain data only (ChildPlan).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "sandbox_plan.h"

#define LAB_CHILD_CODE __attribute__((no_sanitize("thread")))

namespace lab::grader::sandbox_internal {

// What failed in a child, as the parent will word it.
enum ChildFailure : std::int32_t {
  kFailArrangeFds,
  kFailIdMaps,
  kFailJoinCgroup,
  kFailPrivateRoot,
  kFailBaseTmpfs,
  kFailFirstPivot,
  kFailMountStep,  // ChildError::step says which
  kFailDetachOldRoot,
  kFailFinalPivot,
  kFailFork,
  kFailChdirWorkdir,
  kFailRlimit,
  kFailSetgroups,
  kFailSetgid,
  kFailSetuid,
  kFailNoNewPrivs,
  kFailExec,
};

struct ChildError {
  std::int32_t err;
  std::int32_t what;  // a ChildFailure
  std::int32_t step;  // for kFailMountStep
};

struct InitStatus {
  std::uint32_t magic;
  std::int32_t wait_status;
};

// Starts the sandbox init (clone with `flags`): it joins the run's cgroups (kFdCgroupA/B),
// enters the namespaces' setup, builds the private root, forks the program, reaps every
// process that ends up as its child, writes the program's wait status as an InitStatus on
// kFdStatus and exits. Only the parent returns: the init's pid, or -1 with errno.
LAB_CHILD_CODE pid_t StartInit(unsigned long flags, const ChildPlan* plan);

// Runs body(arg) in a raw-cloned child with `flags` (body may be null: exit 0 at once);
// only the parent returns. The body must be LAB_CHILD_CODE.
LAB_CHILD_CODE pid_t StartProbe(unsigned long flags, int (*body)(const void*), const void* arg);

// Child code for the probes: a user namespace mapping our own ids, and the private root.
LAB_CHILD_CODE bool EnterUserNamespace(const ChildPlan& p);
LAB_CHILD_CODE bool SetupFilesystem(const ChildStep* steps, int num_steps, int errfd);
LAB_CHILD_CODE void ChildReport(int fd, std::int32_t what, std::int32_t step);

// A child failure as the parent words it ("mount /usr: Permission denied").
std::string DescribeChildError(const ChildError& e, const MountPlan* plan);

}  // namespace lab::grader::sandbox_internal
