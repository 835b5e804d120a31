// The sandbox's child side. See sandbox_child.h; the process tree is drawn in sandbox.cc.
#include "sandbox_child.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "sandbox_util.h"

#ifndef SYS_close_range
#define SYS_close_range 436  // the same number on every architecture
#endif

namespace lab::grader::sandbox_internal {

namespace {

[[noreturn]] LAB_CHILD_CODE void ChildExit(int code) {
  for (;;) syscall(SYS_exit_group, code);
}

}  // namespace

LAB_CHILD_CODE void ChildReport(int fd, std::int32_t what, std::int32_t step) {
  const ChildError e = {errno, what, step};
  if (syscall(SYS_write, fd, &e, sizeof e) < 0) {
    // Nothing more to do: the parent then sees a run that never started.
  }
}

namespace {

[[noreturn]] LAB_CHILD_CODE void ChildDie(int fd, std::int32_t what, std::int32_t step = -1) {
  ChildReport(fd, what, step);
  ChildExit(kChildSetupFailed);
}

// fork() semantics (no stack switch) plus namespace flags; no atfork handlers, no locks.
LAB_CHILD_CODE pid_t RawClone(unsigned long flags) {
  return static_cast<pid_t>(
      syscall(SYS_clone, flags | SIGCHLD, nullptr, nullptr, nullptr, nullptr));
}

LAB_CHILD_CODE void CloseFd(int fd) { syscall(SYS_close, fd); }

LAB_CHILD_CODE bool EnsureDir(const char* path) {
  if (syscall(SYS_mkdirat, AT_FDCWD, path, 0755) == 0 || errno == EEXIST) return true;
  const int err = errno;  // e.g. EROFS for a directory inside a read-only bind: fine if present
  const long fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    CloseFd(static_cast<int>(fd));
    return true;
  }
  errno = err;
  return false;
}

LAB_CHILD_CODE bool Mount(const char* source, const char* target, const char* type,
                          unsigned long flags, const void* data) {
  return syscall(SYS_mount, source, target, type, flags, data) == 0;
}

LAB_CHILD_CODE bool RunMountStep(const ChildStep& s) {
  for (int i = 0; i < s.num_mkdirs; ++i) {
    if (!EnsureDir(s.mkdirs[i])) return false;
  }
  switch (s.kind) {
    case StepKind::kBindDir:
      return Mount(s.source, s.target, nullptr, MS_BIND, nullptr) &&
             Mount(nullptr, s.target, nullptr, s.flags, nullptr);
    case StepKind::kBindFile: {
      // A mount point for the file: it may exist already (inside another bind, maybe
      // read-only), else it is created in the staging tmpfs.
      long fd = syscall(SYS_openat, AT_FDCWD, s.target, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
      if (fd < 0) {
        fd = syscall(SYS_openat, AT_FDCWD, s.target, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
                     0644);
      }
      if (fd < 0) return false;
      CloseFd(static_cast<int>(fd));
      return Mount(s.source, s.target, nullptr, MS_BIND, nullptr) &&
             Mount(nullptr, s.target, nullptr, s.flags, nullptr);
    }
    case StepKind::kSymlink:
      return syscall(SYS_symlinkat, s.source, AT_FDCWD, s.target) == 0 || errno == EEXIST;
    case StepKind::kTmpfs:
      return Mount("tmpfs", s.target, "tmpfs", s.flags, s.source);
    case StepKind::kProc:
      // hidepid: the program does not see init (root; its cmdline is the grader's).
      return Mount("proc", s.target, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=2") ||
             Mount("proc", s.target, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
  }
  return false;
}

}  // namespace

// Replaces the root with one holding only the plan's paths (see kBase).
LAB_CHILD_CODE bool SetupFilesystem(const ChildStep* steps, int num_steps, int errfd) {
  if (!Mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr)) {
    ChildReport(errfd, kFailPrivateRoot, -1);
    return false;
  }
  if (!Mount("tmpfs", kBase, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=4m") ||
      syscall(SYS_chdir, kBase) != 0 ||
      (syscall(SYS_mkdirat, AT_FDCWD, "newroot", 0755) != 0 && errno != EEXIST) ||
      (syscall(SYS_mkdirat, AT_FDCWD, "oldroot", 0755) != 0 && errno != EEXIST)) {
    ChildReport(errfd, kFailBaseTmpfs, -1);
    return false;
  }
  if (syscall(SYS_pivot_root, kBase, "oldroot") != 0 || syscall(SYS_chdir, "/") != 0 ||
      !Mount("newroot", "newroot", nullptr, MS_BIND | MS_REC, nullptr)) {
    ChildReport(errfd, kFailFirstPivot, -1);
    return false;
  }
  for (int i = 0; i < num_steps; ++i) {
    if (!RunMountStep(steps[i]) && steps[i].required) {
      ChildReport(errfd, kFailMountStep, i);
      return false;
    }
  }
  if (!Mount("oldroot", "oldroot", nullptr, MS_REC | MS_PRIVATE, nullptr) ||
      syscall(SYS_umount2, "oldroot", MNT_DETACH) != 0) {
    ChildReport(errfd, kFailDetachOldRoot, -1);
    return false;
  }
  if (syscall(SYS_chdir, kNewRoot) != 0 || syscall(SYS_pivot_root, ".", ".") != 0 ||
      syscall(SYS_umount2, ".", MNT_DETACH) != 0 || syscall(SYS_chdir, "/") != 0) {
    ChildReport(errfd, kFailFinalPivot, -1);
    return false;
  }
  // Best effort: the root directory is root's and 0755 anyway.
  Mount(nullptr, "/", nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, nullptr);
  return true;
}

namespace {

LAB_CHILD_CODE bool WriteProcFile(const char* path, const char* data, std::size_t len) {
  const long fd = syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = syscall(SYS_write, fd, data, len) == static_cast<long>(len);
  CloseFd(static_cast<int>(fd));
  return ok;
}

}  // namespace

// In a fresh user namespace: map our own uid/gid to themselves (all an unprivileged process
// may map). We keep full capabilities inside the namespace until the program's exec.
LAB_CHILD_CODE bool EnterUserNamespace(const ChildPlan& p) {
  return WriteProcFile("/proc/self/setgroups", "deny", 4) &&
         WriteProcFile("/proc/self/uid_map", p.uid_map, p.uid_map_len) &&
         WriteProcFile("/proc/self/gid_map", p.gid_map, p.gid_map_len);
}

namespace {

LAB_CHILD_CODE void ResetSignals() {
  // Handlers and ignored signals of the grader are not the program's business; an
  // inherited SIG_IGN for SIGCHLD would even break init's wait4(). All-zero is SIG_DFL
  // with an empty mask in every architecture's kernel sigaction layout.
  const unsigned long dfl[4] = {0, 0, 0, 0};
  for (int sig = 1; sig <= 64; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) syscall(SYS_rt_sigaction, sig, dfl, nullptr, 8);
  }
  const unsigned long none = 0;
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, nullptr, 8);
}

// Moves the plan's fds to their slots and closes every other fd: the grader's other threads
// may have pipes of other sandboxes open at this moment, and init must not keep them alive.
LAB_CHILD_CODE bool ArrangeFds(const ChildPlan& p) {
  int tmp[kNumSlots];
  for (int i = 0; i < kNumSlots; ++i) {
    tmp[i] = -1;
    if (p.slot_source[i] >= 0) {
      tmp[i] =
          static_cast<int>(syscall(SYS_fcntl, p.slot_source[i], F_DUPFD_CLOEXEC, kNumSlots + 16));
      if (tmp[i] < 0) return false;
    }
  }
  for (int i = 0; i < kNumSlots; ++i) {
    if (tmp[i] < 0) {
      CloseFd(i);
    } else if (syscall(SYS_dup3, tmp[i], i, i >= kFdError ? O_CLOEXEC : 0) < 0) {
      return false;
    }
  }
  if (syscall(SYS_close_range, kNumSlots, ~0U, 0) != 0) {
    for (int fd = kNumSlots; fd < p.max_fd; ++fd) CloseFd(fd);
  }
  return true;
}

[[noreturn]] LAB_CHILD_CODE void RunProgram(const ChildPlan& p) {
  CloseFd(kFdStatus);
  syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  syscall(SYS_umask, 022);
  if (syscall(SYS_chdir, p.workdir) != 0) ChildDie(kFdError, kFailChdirWorkdir);
  for (int i = 0; i < p.num_rlimits; ++i) {
    const std::uint64_t limit[2] = {p.rlimits[i].soft, p.rlimits[i].hard};
    if (syscall(SYS_prlimit64, 0, p.rlimits[i].resource, limit, nullptr) != 0) {
      ChildDie(kFdError, kFailRlimit, p.rlimits[i].resource);
    }
  }
  if (p.drop_uid) {
    if (syscall(SYS_setgroups, 0, nullptr) != 0) ChildDie(kFdError, kFailSetgroups);
    if (syscall(SYS_setresgid, p.gid, p.gid, p.gid) != 0) ChildDie(kFdError, kFailSetgid);
    if (syscall(SYS_setresuid, p.uid, p.uid, p.uid) != 0) ChildDie(kFdError, kFailSetuid);
  }
  if (syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) ChildDie(kFdError, kFailNoNewPrivs);
  syscall(SYS_execve, p.exe, p.argv, p.envp);
  ChildDie(kFdError, kFailExec);
}

[[noreturn]] LAB_CHILD_CODE void SandboxInit(const ChildPlan& p) {
  if (!ArrangeFds(p)) ChildDie(p.slot_source[kFdError], kFailArrangeFds);
  ResetSignals();
  syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (!p.pid_ns && syscall(SYS_getppid) != p.parent_pid)
    ChildExit(kChildSetupFailed);  // grader gone
  if (p.user_ns && !EnterUserNamespace(p)) ChildDie(kFdError, kFailIdMaps);
  // Not dumpable: a program with init's uid (user-namespace case) cannot read or trace it.
  syscall(SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0);
  for (int fd : {kFdCgroupA, kFdCgroupB}) {
    // "0" is the writer itself, whatever its pid in its own namespace.
    if (syscall(SYS_fcntl, fd, F_GETFD) >= 0) {
      if (syscall(SYS_write, fd, "0", 1) != 1) ChildDie(kFdError, kFailJoinCgroup);
      CloseFd(fd);
    }
  }
  syscall(SYS_setsid);
  if (p.uts_ns) syscall(SYS_sethostname, "sandbox", 7);
  if (p.mount_ns && !SetupFilesystem(p.steps, p.num_steps, kFdError)) ChildExit(kChildSetupFailed);
  if (!p.pid_ns) syscall(SYS_prctl, PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

  const pid_t program = RawClone(0);
  if (program < 0) ChildDie(kFdError, kFailFork);
  if (program == 0) RunProgram(p);
  for (int fd = 0; fd <= kFdError; ++fd) CloseFd(fd);  // the program's pipes: only it holds them

  for (;;) {
    int status = 0;
    const long w = syscall(SYS_wait4, -1, &status, __WALL, nullptr);
    if (w == program) {
      const InitStatus s = {kStatusMagic, status};
      syscall(SYS_write, kFdStatus, &s, sizeof s);
      ChildExit(0);  // as PID 1, this takes down everything the program left behind
    }
    if (w < 0 && errno != EINTR) ChildExit(kChildSetupFailed);
  }
}

}  // namespace

// Starts the sandbox init; only the parent returns.
LAB_CHILD_CODE pid_t StartInit(unsigned long flags, const ChildPlan* plan) {
  const pid_t pid = RawClone(flags);
  if (pid == 0) SandboxInit(*plan);
  return pid;
}

// Runs body(arg) in a raw-cloned child with `flags`; only the parent returns.
LAB_CHILD_CODE pid_t StartProbe(unsigned long flags, int (*body)(const void*), const void* arg) {
  const pid_t pid = RawClone(flags);
  if (pid == 0) ChildExit(body != nullptr ? body(arg) : 0);
  return pid;
}

std::string DescribeChildError(const ChildError& e, const MountPlan* plan) {
  std::string what;
  switch (static_cast<ChildFailure>(e.what)) {
    case kFailArrangeFds:
      what = "arrange the child's file descriptors";
      break;
    case kFailIdMaps:
      what = "write uid_map/gid_map";
      break;
    case kFailJoinCgroup:
      what = "join the run's cgroup";
      break;
    case kFailPrivateRoot:
      what = "make / private";
      break;
    case kFailBaseTmpfs:
      what = "mount a tmpfs on /tmp";
      break;
    case kFailFirstPivot:
      what = "pivot_root to the staging root";
      break;
    case kFailMountStep:
      what = "mount " + (plan != nullptr && e.step >= 0 &&
                                 static_cast<std::size_t>(e.step) < plan->steps().size()
                             ? plan->steps()[static_cast<std::size_t>(e.step)].target
                             : std::string("?"));
      break;
    case kFailDetachOldRoot:
      what = "detach the old root";
      break;
    case kFailFinalPivot:
      what = "pivot_root into the new root";
      break;
    case kFailFork:
      what = "fork the program";
      break;
    case kFailChdirWorkdir:
      what = "chdir to the workdir";
      break;
    case kFailRlimit:
      what = "setrlimit " + std::to_string(e.step);
      break;
    case kFailSetgroups:
      what = "setgroups";
      break;
    case kFailSetgid:
      what = "setresgid";
      break;
    case kFailSetuid:
      what = "setresuid";
      break;
    case kFailNoNewPrivs:
      what = "set no_new_privs";
      break;
    case kFailExec:
      what = "exec";
      break;
  }
  if (what.empty()) what = "child setup step " + std::to_string(e.what);
  return what + ": " + ErrnoText(e.err);
}

}  // namespace lab::grader::sandbox_internal
