// The plan a sandbox child executes: which fds go where, which mounts make its private root,
// which rlimits it gets. The parent computes all of it before clone(); the child reads only
// the plain-data view (ChildPlan, ChildStep), never a std::string or std::vector, because
// between clone() and exec it may not allocate. Internal to the sandbox.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sandbox.h"

namespace lab::grader::sandbox_internal {

// File descriptors as the sandbox init arranges them. 0-4 are what the program gets; 5-8
// are init's own (close-on-exec) and never reach the program.
constexpr int kFdStdin = 0;
constexpr int kFdStdout = 1;
constexpr int kFdStderr = 2;
constexpr int kFdResult = 3;
constexpr int kFdKey = 4;
constexpr int kFdError = 5;    // setup or exec failure: a ChildError
constexpr int kFdStatus = 6;   // the program's wait status: an InitStatus
constexpr int kFdCgroupA = 7;  // cgroup.procs of the run's cgroup (v2), or its pids group (v1)
constexpr int kFdCgroupB = 8;  // v1 only: cgroup.procs of the run's memory group
constexpr int kNumSlots = 9;

constexpr std::size_t kMaxKeyBytes = 4096;
constexpr int kChildSetupFailed = 125;
constexpr std::uint32_t kStatusMagic = 0x1ab5a7d0;

// Where the private root is assembled (bubblewrap's trick): a tmpfs mounted over /tmp in
// the child's mount namespace only.
constexpr const char* kBase = "/tmp";
constexpr const char* kNewRoot = "/newroot";
constexpr const char* kOldRoot = "/oldroot";

enum class StepKind { kBindDir, kBindFile, kSymlink, kTmpfs, kProc };

struct ChildStep {
  StepKind kind;
  const char* source;         // "/oldroot/<path>" for binds; the link text; tmpfs options
  const char* target;         // "/newroot/<path>"
  const char* const* mkdirs;  // directories to create first, parents first
  int num_mkdirs;
  unsigned long flags;  // binds: the remount flags; tmpfs: the mount flags
  bool required;        // a failed optional step is skipped silently
};

struct ChildLimit {
  int resource;
  std::uint64_t soft, hard;
};

struct ChildPlan {
  int slot_source[kNumSlots];  // the parent's fd for each slot, -1 for closed
  bool user_ns = false;
  bool pid_ns = false;
  bool mount_ns = false;
  bool uts_ns = false;
  pid_t parent_pid = 0;
  const char* uid_map = nullptr;  // user namespace: "<id> <id> 1\n"
  std::size_t uid_map_len = 0;
  const char* gid_map = nullptr;
  std::size_t gid_map_len = 0;
  const ChildStep* steps = nullptr;
  int num_steps = 0;
  const char* workdir = nullptr;
  const char* exe = nullptr;
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  bool drop_uid = false;
  uid_t uid = 0;
  gid_t gid = 0;
  const ChildLimit* rlimits = nullptr;
  int num_rlimits = 0;
  int max_fd = 1024;  // close_range fallback
};

// One mount step as the parent builds it; MountPlan::Finalize makes the child's view.
struct MountStep {
  StepKind kind;
  std::string source;
  std::string target;  // as the sandbox sees it (without kNewRoot)
  unsigned long flags = 0;
  bool required = true;
};

class MountPlan {
 public:
  std::vector<MountStep>& steps() { return steps_; }
  const std::vector<MountStep>& steps() const { return steps_; }

  // Builds the child's view; the plan must not change afterwards.
  void Finalize();
  const ChildStep* child_steps() const { return child_.data(); }
  int num_child_steps() const { return static_cast<int>(child_.size()); }

 private:
  std::vector<MountStep> steps_;
  std::vector<std::string> storage_, dirs_;
  std::vector<std::size_t> mkdir_index_;
  std::vector<std::vector<const char*>> mkdirs_;
  std::vector<ChildStep> child_;
};

// The mount steps of one run: the host directories of `root` (SandboxRoot), a minimal /dev,
// /proc (with a PID namespace), /tmp, then `readonly_paths` and the writable `workdir`,
// parents before children. False with `error` for a path that cannot be exposed.
bool BuildMountPlan(SandboxRoot root, bool with_proc,
                    const std::vector<std::string>& readonly_paths, const std::string& workdir,
                    std::vector<MountStep>& plan, std::string* error);

// "<id> <id> 1\n": a user namespace's one-line uid or gid map.
std::string IdMap(unsigned id);

}  // namespace lab::grader::sandbox_internal
