// The sandbox's parent side: one run from request to result (the plan, the cgroups, the
// clone, the capture loop, the verdict fields). See sandbox.h for the contract. The other
// seams live in their own files: sandbox_plan (the private root and the child's plain-data
// plan), sandbox_child (code between clone and exec), sandbox_cgroup (v1 and v2),
// sandbox_probe (what the host allows), sandbox_capture (reading the pipes), clean_output.cc
// (CleanOutput).
//
// Process tree of one run:
//
//   grader thread ──clone(NEWPID|NEWNS|NEWNET|NEWIPC|NEWUTS[|NEWUSER])──> sandbox init
//                                                                        └─fork─> program
//
// The sandbox init is our own code (it never execs): it joins the run's cgroups, builds the
// private root, forks the program, reaps every process that ends up as its child, reports
// the program's wait status on a pipe and exits. As PID 1 of the namespace its exit makes
// the kernel SIGKILL whatever the program left behind, setsid() or not; a wall-clock SIGKILL
// of init does the same. Without a PID namespace the per-run cgroup (or, last, the process
// group) is what the parent kills.
//
// The children are created with a raw clone syscall, not fork(): the grader runs sandboxes
// from several threads, and between clone and exec the children touch only memory prepared
// by the parent and call async-signal-safe functions (raw syscalls; no malloc, no locks, no
// glibc set*id broadcast, no atfork handlers).
#include "sandbox.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <exception>
#include <filesystem>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "sandbox_capture.h"
#include "sandbox_cgroup.h"
#include "sandbox_child.h"
#include "sandbox_plan.h"
#include "sandbox_probe.h"
#include "sandbox_util.h"

namespace lab::grader {
namespace {

using namespace sandbox_internal;  // NOLINT: this file is the sandbox's own

std::string ResolveExecutable(const std::string& name, const std::vector<std::string>& env) {
  if (name.find('/') != std::string::npos) return name;
  std::string path = "/usr/local/bin:/usr/bin:/bin";
  for (const std::string& e : env) {
    if (e.starts_with("PATH=")) path = e.substr(5);
  }
  std::istringstream dirs(path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    const std::string candidate = dir + "/" + name;
    struct stat st;
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return "";
}

// Kills and reaps the sandbox init if the run is abandoned half-way (an exception).
struct InitGuard {
  pid_t pid = -1;
  ~InitGuard() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      int st;
      while (waitpid(pid, &st, __WALL) < 0 && errno == EINTR) {
      }
    }
  }
};

// Gives the workdir back to its owner after the run.
struct OwnerRestore {
  OwnerRestore() = default;
  OwnerRestore(const OwnerRestore&) = delete;
  OwnerRestore& operator=(const OwnerRestore&) = delete;
  std::string path;
  uid_t uid = 0;
  gid_t gid = 0;
  bool active = false;
  ~OwnerRestore() {
    if (active && chown(path.c_str(), uid, gid) != 0) {
      // The caller owns the directory either way; nothing useful to do.
    }
  }
};

bool LooksLikeAllocationFailure(const std::string& err) {
  for (const char* s :
       {"std::bad_alloc", "Cannot allocate memory", "out of memory", "memory exhausted"}) {
    if (err.find(s) != std::string::npos) return true;
  }
  return false;
}

// The program's rlimits. Soft and hard are equal (but for CPU, whose soft limit sends
// SIGXCPU first): the hard limit is what matters, the program cannot raise it.
std::vector<ChildLimit> BuildRlimits(const SandboxLimits& lim, const Host& host, bool user_ns,
                                     bool use_pids_cgroup) {
  std::vector<ChildLimit> rlimits;
  if (lim.cpu_seconds > 0) {
    const auto s = static_cast<std::uint64_t>(std::ceil(lim.cpu_seconds));
    rlimits.push_back({RLIMIT_CPU, s, s + 1});
  }
  if (lim.address_space_bytes > 0) {
    rlimits.push_back({RLIMIT_AS, lim.address_space_bytes, lim.address_space_bytes});
  }
  if (lim.file_size_bytes > 0) {
    rlimits.push_back({RLIMIT_FSIZE, lim.file_size_bytes, lim.file_size_bytes});
  }
  if (lim.open_files > 0) {
    const auto n = static_cast<std::uint64_t>(std::max(lim.open_files, kNumSlots));
    rlimits.push_back({RLIMIT_NOFILE, n, n});
  }
  rlimits.push_back({RLIMIT_CORE, 0, 0});
  if (host.nproc_limit && lim.max_processes > 0) {
    // With a pids cgroup this is only a backstop, loose enough that the cgroup (which says
    // when it refused a fork) always hits first. In a user namespace init counts too.
    const auto n = static_cast<std::uint64_t>(
        (use_pids_cgroup ? 2 * lim.max_processes + 8 : lim.max_processes) + (user_ns ? 1 : 0));
    rlimits.push_back({RLIMIT_NPROC, n, n});
  }
  return rlimits;
}

// Fills the verdict fields of `r` from the program's wait status and what the cgroups saw.
void ClassifyEnd(int status, bool oom, const SandboxLimits& lim, SandboxResult& r) {
  if (WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    r.term_signal = WTERMSIG(status);
  }
  const bool abnormal = r.term_signal != 0 || r.exit_code != 0;
  r.memory_limit = oom || (abnormal && !r.wall_timeout && lim.address_space_bytes > 0 &&
                           LooksLikeAllocationFailure(r.stderr_data));
  r.file_size_limit = r.term_signal == SIGXFSZ;
  r.cpu_limit =
      r.term_signal == SIGXCPU ||
      (r.term_signal == SIGKILL && !r.wall_timeout && !r.memory_limit && !r.output_limit &&
       lim.cpu_seconds > 0 && r.cpu_seconds >= std::ceil(lim.cpu_seconds) - 0.05);
}

SandboxResult RunSandboxedImpl(const SandboxRequest& req) {
  SandboxResult r;
  const Host& host = GetHost();
  const SandboxLimits& lim = req.limits;

  if (req.argv.empty() || req.argv[0].empty()) {
    r.error = "sandbox: empty argv";
    return r;
  }
  std::string workdir = std::filesystem::path(req.workdir).lexically_normal().string();
  while (workdir.size() > 1 && workdir.back() == '/') workdir.pop_back();
  struct stat wd;
  if (workdir.empty() || workdir[0] != '/' || workdir == "/" || stat(workdir.c_str(), &wd) != 0 ||
      !S_ISDIR(wd.st_mode)) {
    r.error = "sandbox: workdir '" + req.workdir + "' is not an absolute path to a directory";
    return r;
  }
  if (req.result_key.size() > kMaxKeyBytes) {
    r.error = "sandbox: result_key is longer than 4096 bytes";
    return r;
  }

  // Everything the child needs, owned here; `plan` is the child's plain-data view of it.
  const std::string exe = ResolveExecutable(req.argv[0], req.env);
  if (exe.empty()) {
    r.error = "sandbox: command not found: " + req.argv[0];
    return r;
  }
  std::vector<char*> argv, envp;
  for (const std::string& a : req.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const std::string& e : req.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const std::string uid_map = IdMap(host.own_uid), gid_map = IdMap(host.own_gid);
  ChildPlan plan;
  plan.exe = exe.c_str();
  plan.argv = argv.data();
  plan.envp = envp.data();
  plan.workdir = workdir.c_str();
  plan.parent_pid = getpid();
  plan.uid_map = uid_map.c_str();
  plan.uid_map_len = uid_map.size();
  plan.gid_map = gid_map.c_str();
  plan.gid_map_len = gid_map.size();

  unsigned long flags = host.clone_flags;
  if (req.network) flags &= ~static_cast<unsigned long>(CLONE_NEWNET);
  plan.user_ns = (flags & CLONE_NEWUSER) != 0;
  plan.pid_ns = (flags & CLONE_NEWPID) != 0;
  plan.mount_ns = (flags & CLONE_NEWNS) != 0;
  plan.uts_ns = (flags & CLONE_NEWUTS) != 0;
  MountPlan mounts;
  if (plan.mount_ns) {
    if (!BuildMountPlan(req.root, plan.pid_ns, req.readonly_paths, workdir, mounts.steps(),
                        &r.error))
      return r;
    mounts.Finalize();
    plan.steps = mounts.child_steps();
    plan.num_steps = mounts.num_child_steps();
  }

  const bool use_pids_cgroup = host.caps.cgroup_pids && lim.max_processes > 0;
  const std::vector<ChildLimit> rlimits = BuildRlimits(lim, host, plan.user_ns, use_pids_cgroup);
  plan.rlimits = rlimits.data();
  plan.num_rlimits = static_cast<int>(rlimits.size());
  struct rlimit nofile;
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
    plan.max_fd = static_cast<int>(std::min<rlim_t>(nofile.rlim_cur, 1 << 16));
  }

  // Identity: a per-run uid when root.
  OwnerRestore owner;
  if (host.caps.can_drop_uid) {
    static std::atomic<unsigned> next_uid{static_cast<unsigned>(getpid()) * 7919u};
    plan.drop_uid = true;
    plan.uid = host.uid_base + (next_uid.fetch_add(1) % host.uid_pool);
    plan.gid = plan.uid;
    if (chown(workdir.c_str(), plan.uid, plan.gid) != 0) {
      r.error = "sandbox: cannot chown the workdir to the sandbox uid: " + ErrnoText(errno);
      return r;
    }
    owner.path = workdir;
    owner.uid = wd.st_uid;
    owner.gid = wd.st_gid;
    owner.active = true;
  }

  // Pipes. Every fd is close-on-exec in the parent; the child's init moves its ends to slots.
  Fd out_r, out_w, err_r, err_w, res_r, res_w, key_r, key_w, ctl_r, ctl_w, st_r, st_w;
  if (!MakePipe(out_r, out_w) || !MakePipe(err_r, err_w) || !MakePipe(ctl_r, ctl_w) ||
      !MakePipe(st_r, st_w) || (req.want_result_channel && !MakePipe(res_r, res_w)) ||
      (!req.result_key.empty() && !MakePipe(key_r, key_w))) {
    r.error = "sandbox: pipe: " + ErrnoText(errno);
    return r;
  }
  if (!req.result_key.empty()) {
    // Small enough for the pipe buffer: the key is in the pipe before the child exists.
    fcntl(key_w.get(), F_SETFL, O_NONBLOCK);
    if (write(key_w.get(), req.result_key.data(), req.result_key.size()) !=
        static_cast<ssize_t>(req.result_key.size())) {
      r.error = "sandbox: cannot write the result key: " + ErrnoText(errno);
      return r;
    }
    key_w.Reset();
  }
  Fd dev_null(open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (dev_null.get() < 0) {
    r.error = "sandbox: open /dev/null: " + ErrnoText(errno);
    return r;
  }

  // Cgroups: v2 puts both limits on one group; v1 has one group per controller.
  const CgroupLayout& cg = host.cgroups;
  const bool v2 = cg.version == CgroupVersion::kV2;
  const std::string run_name = NextRunCgroupName();
  const std::uint64_t mem = lim.memory_bytes > 0 ? lim.memory_bytes : lim.address_space_bytes;
  const bool use_memory_cgroup = cg.memory && mem > 0;
  RunCgroup group_a, group_b;  // v2: the run's group; v1: its pids group, its memory group
  RunCgroup* pids_cg = use_pids_cgroup ? &group_a : nullptr;
  RunCgroup* mem_cg = !use_memory_cgroup ? nullptr : v2 ? &group_a : &group_b;
  if ((pids_cg != nullptr || (v2 && mem_cg != nullptr)) &&
      !group_a.Create(cg.pids_parent, run_name, cg, &r.error)) {
    return r;
  }
  if (!v2 && mem_cg != nullptr && !group_b.Create(cg.memory_parent, run_name, cg, &r.error)) {
    return r;
  }
  // +1 for the sandbox init, which is in the group but is not the program's.
  if (!SetRunLimits(cg.version, pids_cg, use_pids_cgroup ? lim.max_processes + 1 : 0, mem_cg, mem,
                    &r.error)) {
    return r;
  }

  plan.slot_source[kFdStdin] = dev_null.get();
  plan.slot_source[kFdStdout] = out_w.get();
  plan.slot_source[kFdStderr] = err_w.get();
  plan.slot_source[kFdResult] = res_w.get();
  plan.slot_source[kFdKey] = key_r.get();
  plan.slot_source[kFdError] = ctl_w.get();
  plan.slot_source[kFdStatus] = st_w.get();
  plan.slot_source[kFdCgroupA] = group_a.procs_fd();
  plan.slot_source[kFdCgroupB] = group_b.procs_fd();

  // Go.
  const Clock::time_point start = Clock::now();
  InitGuard guard;
  guard.pid = StartInit(flags, &plan);
  if (guard.pid < 0) {
    guard.pid = -1;
    r.error = "sandbox: clone: " + ErrnoText(errno);
    return r;
  }
  const pid_t init = guard.pid;
  for (Fd* f : {&out_w, &err_w, &res_w, &key_r, &ctl_w, &st_w, &dev_null}) f->Reset();
  group_a.CloseProcsFd();
  group_b.CloseProcsFd();

  std::string ctl_data, status_data;
  std::vector<Sink> sinks;
  sinks.push_back({out_r.get(), &r.stdout_data, lim.output_bytes, &r.stdout_truncated, true, true});
  sinks.push_back({err_r.get(), &r.stderr_data, lim.output_bytes, &r.stderr_truncated, true, true});
  sinks.push_back({ctl_r.get(), &ctl_data, 4 * sizeof(ChildError), nullptr});
  sinks.push_back({st_r.get(), &status_data, 4 * sizeof(InitStatus), nullptr});
  const std::size_t status_sink = 3;
  if (res_r.get() >= 0) {
    sinks.push_back({res_r.get(), &r.result_data, lim.output_bytes, &r.result_truncated});
  }
  for (const Sink& s : sinks) fcntl(s.fd, F_SETFL, O_NONBLOCK);

  const auto kill_tree = [&] {
    kill(init, SIGKILL);   // with a PID namespace, this alone takes the whole tree
    kill(-init, SIGKILL);  // init's session, for the degraded case
    group_a.KillOnce();
    group_b.KillOnce();
  };
  std::optional<Clock::time_point> deadline;
  if (lim.wall_seconds > 0) {
    deadline = start + std::chrono::duration_cast<Clock::duration>(
                           std::chrono::duration<double>(lim.wall_seconds));
  }
  CaptureUntilDone(sinks, sinks[status_sink], deadline, kill_tree, &r.wall_timeout,
                   &r.output_limit);
  // However fast the program ended, writing past the cap is the same verdict (deterministic).
  r.output_limit = r.output_limit || r.stdout_truncated || r.stderr_truncated;

  // Reap init. Its exit (PID 1) has already taken its namespace down.
  if (sinks[status_sink].open) kill(init, SIGKILL);
  int init_status = 0;
  struct rusage ru;
  std::memset(&ru, 0, sizeof ru);
  while (wait4(init, &init_status, __WALL, &ru) < 0 && errno == EINTR) {
  }
  guard.pid = -1;
  r.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.cpu_seconds = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                  static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;

  // Whatever is left in the groups goes now; then read what the groups saw.
  group_a.KillAll();
  group_b.KillAll();
  r.process_limit_hit = pids_cg != nullptr && RunHitProcessLimit(*pids_cg);
  const bool oom = mem_cg != nullptr && RunWasOomKilled(cg.version, *mem_cg);
  group_a.Remove();
  group_b.Remove();

  if (ctl_data.size() >= sizeof(ChildError)) {
    ChildError e;
    std::memcpy(&e, ctl_data.data(), sizeof e);
    r.error = "sandbox: " + DescribeChildError(e, &mounts);
    if (e.what == kFailExec) {
      r.error = "sandbox: exec " + exe + ": " + ErrnoText(e.err);
      if (e.err == ENOENT && plan.mount_ns) {
        r.error += " (inside the sandbox: is its directory in readonly_paths?)";
      }
    }
    return r;  // started stays false
  }
  r.started = true;
  int status = init_status;
  InitStatus s;
  if (status_data.size() >= sizeof s) {
    std::memcpy(&s, status_data.data(), sizeof s);
    if (s.magic == kStatusMagic) status = s.wait_status;
  }
  ClassifyEnd(status, oom, lim, r);
  return r;
}

}  // namespace

SandboxResult RunSandboxed(const SandboxRequest& req) {
  try {
    return RunSandboxedImpl(req);
  } catch (const std::exception& e) {
    SandboxResult r;
    r.error = std::string("sandbox: ") + e.what();
    return r;
  } catch (...) {
    SandboxResult r;
    r.error = "sandbox: unexpected exception";
    return r;
  }
}

const SandboxCapabilities& ProbeSandbox() { return GetHost().caps; }

}  // namespace lab::grader
