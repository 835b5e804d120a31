// The sandbox's per-run cgroups, v1 and v2 (DESIGN.md §8: a process/thread cap and a memory
// cap that hold for root, and a kill of the whole tree). Internal to the sandbox.
//
//   v1 (separate `pids` and `memory` hierarchies): one group per run under the grader's own
//      group of each controller; pids.max, memory.limit_in_bytes (+ memsw where swap is
//      accounted); killed by SIGKILLing every pid listed in cgroup.procs until it is empty.
//   v2 (one unified hierarchy): one group per run under the grader's own cgroup, which is
//      delegated first (DelegateCgroup2): the grader moves itself into a leaf "lab-grader"
//      and enables +pids +memory for its children, as the "no internal processes" rule
//      requires. pids.max, memory.max, memory.swap.max = 0, memory.oom.group = 1; killed
//      with cgroup.kill (Linux 5.14+), else pid by pid as in v1.
// The leaf and the enabled controllers stay when the grader exits (harmless; a systemd
// scope started for the grader goes away with it).
// v1 is used where its controllers are mounted (it is what this project's machines have), v2
// otherwise. Every path is a parameter, so the v2 logic is tested against a fake tree: a
// plain directory laid out like /sys/fs/cgroup (CgroupLayout::fake_tree).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sandbox_util.h"

namespace lab::grader::sandbox_internal {

enum class CgroupVersion { kNone, kV1, kV2 };

// Where the per-run groups go and what they can do, as the probe found it.
struct CgroupLayout {
  CgroupVersion version = CgroupVersion::kNone;
  // v1: the grader's own group in each controller's hierarchy ("" where it is not usable).
  // v2: both are the grader's (delegated) cgroup: one group per run holds both limits.
  std::string pids_parent, memory_parent;
  bool pids = false;       // pids.max can be set in a run's group
  bool memory = false;     // the memory limit can be set
  bool kill_file = false;  // v2: run groups have cgroup.kill (Linux 5.14+)
  // A plain directory standing in for cgroupfs (tests): files are created when written,
  // since no kernel makes them.
  bool fake_tree = false;
};

// The grader's own cgroup directory for a v1 `controller`, from /proc/self/mountinfo and
// /proc/self/cgroup texts; "" where the controller is not mounted as v1.
std::string FindOwnCgroupV1(std::string_view controller, std::string_view mountinfo,
                            std::string_view self_cgroup);

// The grader's own cgroup directory in the cgroup2 hierarchy ("" where none is mounted);
// `*is_root` tells whether it is the root of the mount (of the cgroup namespace).
std::string FindOwnCgroupV2(std::string_view mountinfo, std::string_view self_cgroup,
                            bool* is_root);

// Makes `own` (the grader's v2 cgroup) able to hold per-run groups with the pids and memory
// controllers (those of them in own/cgroup.controllers): enables them in
// own/cgroup.subtree_control, after moving the grader into the leaf own/lab-grader when
// `own` is not the root (processes may not live in a group that distributes controllers).
// When other processes share the group, they are moved too only if `own` is the root of a
// cgroup namespace (a container the grader owns); elsewhere that is a failure whose
// `*problem` says to start the grader in a cgroup of its own. Fills `layout` (version kV2)
// on success.
bool DelegateCgroup2(const std::string& own, bool is_root, bool fake_tree, CgroupLayout* layout,
                     std::string* problem);

// One run's cgroup in one hierarchy (v2: the only one; v1: one per controller).
class RunCgroup {
 public:
  RunCgroup() = default;
  RunCgroup(const RunCgroup&) = delete;
  RunCgroup& operator=(const RunCgroup&) = delete;
  ~RunCgroup() { Remove(); }

  // Creates parent/name and opens its cgroup.procs for the child to join through.
  bool Create(const std::string& parent, const std::string& name, const CgroupLayout& layout,
              std::string* error);
  bool Set(const char* file, const std::string& value) const;
  // "<key> <n>" of a stat-style file such as pids.events; 0 when absent.
  std::uint64_t Counter(const char* file, std::string_view key) const;
  int procs_fd() const { return procs_.get(); }
  void CloseProcsFd() { procs_.Reset(); }
  bool active() const { return !dir_.empty(); }
  const std::string& dir() const { return dir_; }

  // Kills every process in the group once (cgroup.kill where there is one). False when the
  // group is empty.
  bool KillOnce() const;
  // Kills until the group is empty (forks racing the kill are bounded by pids.max).
  void KillAll() const;
  // Kills what is left and removes the group.
  void Remove();

 private:
  std::string dir_;
  Fd procs_;
  bool kill_file_ = false;
  bool fake_tree_ = false;
};

// Writes a run's limits: v1 pids.max / memory.limit_in_bytes (+ memory.memsw.limit_in_bytes
// where swap is accounted); v2 pids.max / memory.max, memory.swap.max 0, memory.oom.group 1.
// `pids` and `memory` are the groups to write to (the same object in v2); a limit of 0 is
// not set. False with `error` when a limit that must hold cannot be written.
bool SetRunLimits(CgroupVersion version, RunCgroup* pids, std::uint64_t max_pids, RunCgroup* memory,
                  std::uint64_t memory_bytes, std::string* error);

// Whether the run hit its limits, as the groups counted: a refused fork or thread, an OOM kill.
bool RunHitProcessLimit(const RunCgroup& pids);
bool RunWasOomKilled(CgroupVersion version, const RunCgroup& memory);

// The run's group name: unique across the grader's threads and processes.
std::string NextRunCgroupName();

// True when a limit can be written in a probe group under `parent` (then removed).
bool ProbeCgroupFile(const std::string& parent, const char* limit_file, const std::string& value,
                     bool fake_tree);

}  // namespace lab::grader::sandbox_internal
