// Probing what the machine allows the sandbox. See sandbox_probe.h.
#include "sandbox_probe.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sandbox_child.h"
#include "sandbox_plan.h"
#include "sandbox_util.h"

namespace lab::grader::sandbox_internal {
namespace {

// What a graded program needs from the kernel to seal the lab's code before the submission
// runs (harness/spec/harden.h): mseal(2) (Linux 6.10) and Landlock.
bool KernelHasMseal() {
  void* p = mmap(nullptr, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return false;
  const bool ok = syscall(462 /* SYS_mseal */, p, 4096, 0) == 0;
  if (!ok) munmap(p, 4096);  // a sealed page stays mapped: 4 KiB, once per grader
  return ok;
}
bool KernelHasLandlock() {
  // landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION): the ABI version.
  return syscall(444 /* SYS_landlock_create_ruleset */, nullptr, 0, 1u << 0) >= 1;
}

// Runs body(arg) in a raw-cloned child with `flags`; true when it exits 0.
bool ProbeInChild(unsigned long flags, int (*body)(const void*), const void* arg) {
  const pid_t pid = StartProbe(flags, body, arg);
  if (pid < 0) return false;
  int status = 0;
  while (waitpid(pid, &status, __WALL) < 0) {
    if (errno != EINTR) return false;
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

struct MountProbe {
  const ChildPlan* plan;
  int errfd;
};

LAB_CHILD_CODE int MountProbeBody(const void* arg) {
  const auto* m = static_cast<const MountProbe*>(arg);
  if (m->plan->user_ns && !EnterUserNamespace(*m->plan)) {
    ChildReport(m->errfd, kFailIdMaps, -1);
    return 1;
  }
  return SetupFilesystem(m->plan->steps, m->plan->num_steps, m->errfd) ? 0 : 1;
}

LAB_CHILD_CODE int DropUidProbeBody(const void* arg) {
  const uid_t uid = *static_cast<const uid_t*>(arg);
  if (syscall(SYS_setgroups, 0, nullptr) != 0) return 1;
  if (syscall(SYS_setresgid, uid, uid, uid) != 0) return 1;
  if (syscall(SYS_setresuid, uid, uid, uid) != 0) return 1;
  return syscall(SYS_getuid) == static_cast<long>(uid) ? 0 : 1;
}

}  // namespace

bool Disabled(std::string_view feature) {
  const char* env = std::getenv("LAB_SANDBOX_DISABLE");
  if (env == nullptr) return false;
  std::string_view list = env;
  while (!list.empty()) {
    const std::size_t comma = std::min(list.find(','), list.size());
    if (list.substr(0, comma) == feature) return true;
    list.remove_prefix(std::min(comma + 1, list.size()));
  }
  return false;
}

namespace {

bool ProbeNamespace(std::string_view feature, unsigned long flags) {
  return !Disabled(feature) && ProbeInChild(flags, nullptr, nullptr);
}

// A line that says which cgroup version is in force and which caps it gives.
std::string CgroupSummary(const CgroupLayout& g) {
  if (g.version == CgroupVersion::kNone) return "sandbox: no cgroup in force (see the warnings)";
  std::string s = std::string("sandbox: cgroup ") +
                  (g.version == CgroupVersion::kV1 ? "v1" : "v2") + " in force:";
  std::string enforced, missing;
  const auto add = [](std::string& list, const std::string& item) {
    list += (list.empty() ? " " : ", ") + item;
  };
  if (g.pids)
    add(enforced, "process/thread cap (pids.max)");
  else
    add(missing, "process/thread cap");
  if (g.memory) {
    add(enforced, g.version == CgroupVersion::kV1 ? "memory cap (memory.limit_in_bytes)"
                                                  : "memory cap (memory.max, no swap)");
  } else {
    add(missing, "memory cap");
  }
  if (g.version == CgroupVersion::kV2 && g.kill_file)
    add(enforced, "tree kill (cgroup.kill)");
  else
    add(enforced, "tree kill (pid by pid)");
  s += enforced;
  if (!missing.empty()) s += "; cannot enforce:" + missing;
  return s;
}

}  // namespace

CgroupLayout ProbeCgroups(std::string* problem) {
  CgroupLayout g;
  const std::string mountinfo = ReadSmallFile("/proc/self/mountinfo").value_or("");
  const std::string self = ReadSmallFile("/proc/self/cgroup").value_or("");
  const bool want_pids = !Disabled("pids"), want_memory = !Disabled("memory");
  g.pids_parent = FindOwnCgroupV1("pids", mountinfo, self);
  g.memory_parent = FindOwnCgroupV1("memory", mountinfo, self);
  g.pids = want_pids && ProbeCgroupFile(g.pids_parent, "pids.max", "64", false);
  g.memory =
      want_memory && ProbeCgroupFile(g.memory_parent, "memory.limit_in_bytes", "1073741824", false);
  if (g.pids || g.memory) {
    g.version = CgroupVersion::kV1;
    return g;
  }
  g = CgroupLayout{};
  if (!want_pids && !want_memory) return g;
  bool is_root = false;
  const std::string own = FindOwnCgroupV2(mountinfo, self, &is_root);
  if (own.empty() || Disabled("cgroup2")) return g;
  CgroupLayout v2;
  if (!DelegateCgroup2(own, is_root, false, &v2, problem)) return g;
  v2.pids = v2.pids && want_pids;
  v2.memory = v2.memory && want_memory;
  return v2;
}

namespace {

Host ProbeHost() {
  Host h;
  SandboxCapabilities& c = h.caps;
  h.root = geteuid() == 0;
  h.own_uid = geteuid();
  h.own_gid = getegid();

  unsigned long base = 0;
  c.user_ns = ProbeNamespace("user", CLONE_NEWUSER);  // for root: informational only
  if (!h.root && c.user_ns) base = CLONE_NEWUSER;
  const bool can_ns = h.root || c.user_ns;
  if (can_ns) {
    c.pid_ns = ProbeNamespace("pid", base | CLONE_NEWPID);
    c.net_ns = ProbeNamespace("net", base | CLONE_NEWNET);
    h.uts_ns = ProbeNamespace("uts", base | CLONE_NEWUTS);
    const bool ipc = ProbeNamespace("ipc", base | CLONE_NEWIPC);
    h.clone_flags = base | (c.pid_ns ? CLONE_NEWPID : 0) | (c.net_ns ? CLONE_NEWNET : 0) |
                    (h.uts_ns ? CLONE_NEWUTS : 0) | (ipc ? CLONE_NEWIPC : 0);
  }

  std::string mount_error;
  if (can_ns && !Disabled("mount")) {
    MountPlan mounts;
    BuildMountPlan(SandboxRoot::kProgram, c.pid_ns, {}, "", mounts.steps(), nullptr);
    mounts.Finalize();
    const std::string uid_map = IdMap(h.own_uid), gid_map = IdMap(h.own_gid);
    ChildPlan plan;
    plan.user_ns = base != 0;
    plan.uid_map = uid_map.c_str();
    plan.uid_map_len = uid_map.size();
    plan.gid_map = gid_map.c_str();
    plan.gid_map_len = gid_map.size();
    plan.steps = mounts.child_steps();
    plan.num_steps = mounts.num_child_steps();
    Fd err_r, err_w;
    if (MakePipe(err_r, err_w)) {
      const MountProbe probe = {&plan, err_w.get()};
      c.mount_ns =
          ProbeInChild(base | CLONE_NEWNS | (c.pid_ns ? CLONE_NEWPID : 0), MountProbeBody, &probe);
      err_w.Reset();
      fcntl(err_r.get(), F_SETFL, O_NONBLOCK);  // other threads' children may hold err_w a moment
      ChildError e;
      if (!c.mount_ns && read(err_r.get(), &e, sizeof e) == static_cast<ssize_t>(sizeof e)) {
        mount_error = DescribeChildError(e, &mounts);
      }
    }
    if (c.mount_ns) h.clone_flags |= CLONE_NEWNS;
  }

  if (h.root && !Disabled("uid")) {
    uid_t uid = kUidPoolBase;
    if (ProbeInChild(0, DropUidProbeBody, &uid)) {
      h.uid_base = kUidPoolBase;
      h.uid_pool = kUidPoolSize;
      c.can_drop_uid = true;
    } else if (uid = kNobody; ProbeInChild(0, DropUidProbeBody, &uid)) {
      h.uid_base = kNobody;
      h.uid_pool = 1;
      c.can_drop_uid = true;
    }
  }

  std::string cgroup_problem;
  h.cgroups = ProbeCgroups(&cgroup_problem);
  c.cgroup_version = h.cgroups.version == CgroupVersion::kV1   ? 1
                     : h.cgroups.version == CgroupVersion::kV2 ? 2
                                                               : 0;
  c.cgroup_pids = h.cgroups.pids;
  c.cgroup_memory = h.cgroups.memory;
  h.nproc_limit = (c.can_drop_uid && h.uid_pool > 1) ||
                  ((h.clone_flags & CLONE_NEWUSER) != 0 && KernelAtLeast(5, 14));

  c.summary = CgroupSummary(h.cgroups);
  auto warn = [&](std::string s) { c.warnings.push_back("sandbox: " + std::move(s)); };
  if (!cgroup_problem.empty()) warn("cgroup v2 not usable: " + cgroup_problem);
  if (!c.pid_ns && !c.cgroup_pids) {
    warn(
        "no PID namespace and no pids cgroup: processes a submission detaches with setsid() "
        "can outlive the run");
  }
  if (!c.cgroup_pids) {
    warn(h.nproc_limit ? "no writable pids cgroup: the process/thread cap is RLIMIT_NPROC only"
                       : "no writable pids cgroup and no per-sandbox uid: processes and threads "
                         "are not capped (a fork bomb runs until the wall-clock limit)");
  }
  if (!c.cgroup_memory) {
    warn(
        "no writable memory cgroup: memory is capped by RLIMIT_AS only (not at all for runs "
        "without an address-space limit, such as TSan builds)");
  }
  if (!c.mount_ns) {
    warn("no mount namespace" + (mount_error.empty() ? "" : " (" + mount_error + ")") +
         ": submissions can read every file their uid can read, including the class folder, "
         "the output folder and the puzzle sources");
  }
  if (!c.net_ns) warn("no network namespace: submissions have network access");
  if (!KernelHasMseal()) {
    warn("this kernel has no mseal(2) (Linux 6.10): a submission can patch the lab's code in "
         "its own process (make lab::spec::Fail return at once) and forge full marks");
  }
  if (!KernelHasLandlock()) {
    warn("this kernel has no Landlock: a submission can write the lab's code through "
         "/proc/self/mem and forge full marks");
  }
  if (!c.can_drop_uid) {
    warn(h.root ? "cannot switch to an unprivileged uid: submissions run as root"
                : "the grader is not root: submissions run as your own uid " +
                      std::to_string(h.own_uid));
  }
  return h;
}

}  // namespace

const Host& GetHost() {
  static const Host host = ProbeHost();
  return host;
}

}  // namespace lab::grader::sandbox_internal
