// The sandbox: probing what the machine allows, the per-run cgroups, the child's private
// root, the fork/exec path and the parent's capture loop. See sandbox.h for the contract.
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
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#ifndef SYS_close_range
#define SYS_close_range 436  // the same number on every architecture
#endif

namespace lab::grader {
namespace {

using Clock = std::chrono::steady_clock;

// File descriptors as the sandbox init arranges them. 0-4 are what the program gets; 5-8
// are init's own (close-on-exec) and never reach the program.
constexpr int kFdStdin = 0;
constexpr int kFdStdout = 1;
constexpr int kFdStderr = 2;
constexpr int kFdResult = 3;
constexpr int kFdKey = 4;
constexpr int kFdError = 5;   // setup or exec failure: a ChildError
constexpr int kFdStatus = 6;  // the program's wait status: an InitStatus
constexpr int kFdCgroupPids = 7;
constexpr int kFdCgroupMemory = 8;
constexpr int kNumSlots = 9;

constexpr std::size_t kMaxKeyBytes = 4096;
constexpr int kChildSetupFailed = 125;
constexpr std::uint32_t kStatusMagic = 0x1ab5a7d0;

// Per-run uids when the grader is root: distinct runs get distinct uids, so one submission
// cannot signal, trace or write into another's files, and RLIMIT_NPROC counts one sandbox.
constexpr uid_t kUidPoolBase = 2'000'000'000;
constexpr unsigned kUidPoolSize = 4096;
constexpr uid_t kNobody = 65534;

// Where the private root is assembled (bubblewrap's trick): a tmpfs mounted over /tmp in
// the child's mount namespace only.
constexpr const char* kBase = "/tmp";
constexpr const char* kNewRoot = "/newroot";
constexpr const char* kOldRoot = "/oldroot";

// What every sandbox sees besides its own paths: enough for dynamically linked programs and
// the compiler. Symlinks among them (merged /usr) are recreated as symlinks.
constexpr const char* kSystemPaths[] = {"/usr",   "/bin",   "/sbin",  "/lib",
                                        "/lib32", "/lib64", "/libx32"};
constexpr const char* kEtcPaths[] = {"/etc/ld.so.cache",  "/etc/ld.so.conf",    "/etc/ld.so.conf.d",
                                     "/etc/alternatives", "/etc/localtime",     "/etc/passwd",
                                     "/etc/group",        "/etc/nsswitch.conf", "/etc/hosts"};
constexpr const char* kDevNodes[] = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random",
                                     "/dev/urandom"};

// ---------------------------------------------------------------------------------------
// Small parent-side helpers.

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      Reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Reset(); }
  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

bool MakePipe(Fd& read_end, Fd& write_end) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return false;
  read_end = Fd(fds[0]);
  write_end = Fd(fds[1]);
  return true;
}

std::string ErrnoText(int err) {
  char buf[128];
  // GNU strerror_r returns the message (maybe not in buf).
  return strerror_r(err, buf, sizeof buf);
}

std::optional<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool WriteSmallFile(const std::string& path, const std::string& content) {
  const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  close(fd);
  return ok;
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// The value of "<key> <n>" in a cgroup stat-style file, or 0.
std::uint64_t ReadKeyedCounter(const std::string& path, std::string_view key) {
  const auto text = ReadSmallFile(path);
  if (!text) return 0;
  std::istringstream in(*text);
  std::string k;
  std::uint64_t v = 0;
  while (in >> k >> v) {
    if (k == key) return v;
  }
  return 0;
}

bool KernelAtLeast(int major, int minor) {
  struct utsname u;
  if (uname(&u) != 0) return false;
  int ma = 0, mi = 0;
  if (std::sscanf(u.release, "%d.%d", &ma, &mi) != 2) return false;
  return ma > major || (ma == major && mi >= minor);
}

// ---------------------------------------------------------------------------------------
// The plan a child executes. The parent computes all of it before clone(); the child reads
// only the plain-data view (ChildPlan, ChildStep), never a std::string or std::vector.

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
  void Finalize() {
    storage_.clear();
    storage_.reserve(steps_.size() * 2);
    mkdirs_.assign(steps_.size(), {});
    child_.clear();
    dirs_.clear();
    for (std::size_t i = 0; i < steps_.size(); ++i) {
      const MountStep& s = steps_[i];
      // Every directory on the way to the target (to its parent for files and symlinks).
      const bool is_dir =
          s.kind == StepKind::kBindDir || s.kind == StepKind::kTmpfs || s.kind == StepKind::kProc;
      const std::string last = is_dir ? s.target : s.target.substr(0, s.target.rfind('/'));
      for (std::size_t pos = 1; pos <= last.size(); ++pos) {
        if (pos == last.size() || last[pos] == '/') {
          dirs_.push_back(std::string(kNewRoot) + last.substr(0, pos));
        }
      }
      mkdir_index_.push_back(dirs_.size());
    }
    // Pointers only once the vectors stop growing.
    std::size_t first = 0;
    for (std::size_t i = 0; i < steps_.size(); ++i) {
      for (std::size_t d = first; d < mkdir_index_[i]; ++d) mkdirs_[i].push_back(dirs_[d].c_str());
      first = mkdir_index_[i];
      const MountStep& s = steps_[i];
      storage_.push_back(s.kind == StepKind::kBindDir || s.kind == StepKind::kBindFile
                             ? kOldRoot + s.source
                             : s.source);
      storage_.push_back(kNewRoot + s.target);
    }
    for (std::size_t i = 0; i < steps_.size(); ++i) {
      const MountStep& s = steps_[i];
      child_.push_back({s.kind, storage_[2 * i].c_str(), storage_[2 * i + 1].c_str(),
                        mkdirs_[i].data(), static_cast<int>(mkdirs_[i].size()), s.flags,
                        s.required});
    }
    mkdir_index_.clear();
  }
  const ChildStep* child_steps() const { return child_.data(); }
  int num_child_steps() const { return static_cast<int>(child_.size()); }

 private:
  std::vector<MountStep> steps_;
  std::vector<std::string> storage_, dirs_;
  std::vector<std::size_t> mkdir_index_;
  std::vector<std::vector<const char*>> mkdirs_;
  std::vector<ChildStep> child_;
};

unsigned long FlagsOfMount(const std::string& path) {
  // A bind remount in a user namespace may not clear these (locked) flags, so carry them.
  struct statfs sfs;
  if (statfs(path.c_str(), &sfs) != 0) return 0;
  unsigned long f = 0;
  const auto has = [&](unsigned long st) { return (sfs.f_flags & st) != 0; };
  if (has(ST_RDONLY)) f |= MS_RDONLY;
  if (has(ST_NOSUID)) f |= MS_NOSUID;
  if (has(ST_NODEV)) f |= MS_NODEV;
  if (has(ST_NOEXEC)) f |= MS_NOEXEC;
  if (has(ST_NOATIME)) f |= MS_NOATIME;
  if (has(ST_NODIRATIME)) f |= MS_NODIRATIME;
  if (has(ST_RELATIME)) f |= MS_RELATIME;
  return f;
}

// Adds `path` to the new root at the same absolute path. `follow`: bind what a symlink
// points to (request paths) rather than recreating the link (system paths).
bool AddPathToPlan(std::vector<MountStep>& plan, const std::string& path, bool writable,
                   bool device, bool follow, std::string* error) {
  struct stat st;
  const int rc = follow ? stat(path.c_str(), &st) : lstat(path.c_str(), &st);
  if (rc != 0) {
    if (error) *error = "sandbox: cannot expose " + path + ": " + ErrnoText(errno);
    return false;
  }
  MountStep step;
  step.target = path;
  if (S_ISLNK(st.st_mode)) {
    char link[4096];
    const ssize_t n = readlink(path.c_str(), link, sizeof link - 1);
    if (n <= 0) return false;
    step.kind = StepKind::kSymlink;
    step.source.assign(link, static_cast<std::size_t>(n));
  } else {
    step.kind = S_ISDIR(st.st_mode) ? StepKind::kBindDir : StepKind::kBindFile;
    step.source = path;
    step.flags = MS_BIND | MS_REMOUNT | MS_NOSUID | FlagsOfMount(path);
    if (!device) step.flags |= MS_NODEV;
    if (!writable) step.flags |= MS_RDONLY;
  }
  plan.push_back(std::move(step));
  return true;
}

bool UnderAny(const std::string& path, const std::vector<std::string>& roots) {
  for (const std::string& r : roots) {
    if (path == r || (path.size() > r.size() && path.starts_with(r) && path[r.size()] == '/')) {
      return true;
    }
  }
  return false;
}

// The mount steps of one run: system paths, /etc files, /dev, /proc (with a PID namespace),
// /tmp, then the request's paths, parents before children, the workdir writable.
bool BuildMountPlan(bool with_proc, const std::vector<std::string>& readonly_paths,
                    const std::string& workdir, std::vector<MountStep>& plan, std::string* error) {
  std::vector<std::string> system;
  for (const char* p : kSystemPaths) {
    if (AddPathToPlan(plan, p, false, false, false, nullptr)) system.push_back(p);
  }
  for (const char* p : kEtcPaths) AddPathToPlan(plan, p, false, false, false, nullptr);

  plan.push_back(
      {StepKind::kTmpfs, "mode=0755,size=1m,nr_inodes=256", "/dev", MS_NOSUID | MS_NOEXEC});
  // Device nodes stay writable (writing /dev/null is normal); their modes protect them.
  for (const char* p : kDevNodes) AddPathToPlan(plan, p, true, true, true, nullptr);
  const std::pair<const char*, const char*> dev_links[] = {{"/proc/self/fd", "/dev/fd"},
                                                           {"/proc/self/fd/0", "/dev/stdin"},
                                                           {"/proc/self/fd/1", "/dev/stdout"},
                                                           {"/proc/self/fd/2", "/dev/stderr"}};
  for (const auto& [to, at] : dev_links) plan.push_back({StepKind::kSymlink, to, at, 0, false});
  plan.push_back({StepKind::kTmpfs, "mode=1777,size=64m", "/dev/shm", MS_NOSUID | MS_NODEV, false});
  if (with_proc) {
    // Optional: some kernels refuse a fresh proc where the outer one is partly masked.
    plan.push_back({StepKind::kProc, "", "/proc", 0, false});
  }
  plan.push_back(
      {StepKind::kTmpfs, "mode=1777,size=256m,nr_inodes=16384", "/tmp", MS_NOSUID | MS_NODEV});

  struct Wanted {
    std::string path;
    bool writable;
  };
  std::vector<Wanted> wanted;
  for (const std::string& raw : readonly_paths) {
    std::string p = std::filesystem::path(raw).lexically_normal().string();
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    if (p.empty() || p[0] != '/' || p == "/") {
      if (error) *error = "sandbox: readonly path must be absolute and not /: '" + raw + "'";
      return false;
    }
    if (!UnderAny(p, system)) wanted.push_back({p, false});
  }
  // A path inside another read-only path is already there.
  std::vector<std::string> readonly_dirs;
  for (const Wanted& w : wanted) readonly_dirs.push_back(w.path);
  std::erase_if(wanted, [&](const Wanted& w) {
    return std::any_of(readonly_dirs.begin(), readonly_dirs.end(), [&](const std::string& d) {
      return w.path.size() > d.size() && UnderAny(w.path, {d});
    });
  });
  if (!workdir.empty()) wanted.push_back({workdir, true});
  // Parents before children, so a child bind lands on top of its parent's.
  std::stable_sort(wanted.begin(), wanted.end(),
                   [](const Wanted& a, const Wanted& b) { return a.path.size() < b.path.size(); });
  for (const Wanted& w : wanted) {
    if (!AddPathToPlan(plan, w.path, w.writable, false, true, error)) return false;
  }
  return true;
}

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

// ---------------------------------------------------------------------------------------
// Child side. Everything marked LAB_CHILD_CODE runs between clone() and execve() or exit:
// raw system calls only (libc wrappers and sanitizer interceptors may take locks that another
// grader thread held at clone time), no allocation, no instrumentation, plain data only.

#define LAB_CHILD_CODE __attribute__((no_sanitize("thread")))

[[noreturn]] LAB_CHILD_CODE void ChildExit(int code) {
  for (;;) syscall(SYS_exit_group, code);
}

LAB_CHILD_CODE void ChildReport(int fd, std::int32_t what, std::int32_t step) {
  const ChildError e = {errno, what, step};
  if (syscall(SYS_write, fd, &e, sizeof e) < 0) {
    // Nothing more to do: the parent then sees a run that never started.
  }
}

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

LAB_CHILD_CODE bool WriteProcFile(const char* path, const char* data, std::size_t len) {
  const long fd = syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = syscall(SYS_write, fd, data, len) == static_cast<long>(len);
  CloseFd(static_cast<int>(fd));
  return ok;
}

// In a fresh user namespace: map our own uid/gid to themselves (all an unprivileged process
// may map). We keep full capabilities inside the namespace until the program's exec.
LAB_CHILD_CODE bool EnterUserNamespace(const ChildPlan& p) {
  return WriteProcFile("/proc/self/setgroups", "deny", 4) &&
         WriteProcFile("/proc/self/uid_map", p.uid_map, p.uid_map_len) &&
         WriteProcFile("/proc/self/gid_map", p.gid_map, p.gid_map_len);
}

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
  for (int fd : {kFdCgroupPids, kFdCgroupMemory}) {
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

// ---------------------------------------------------------------------------------------
// Cgroups (v1): a child group per run under the grader's own group of each controller.

// The grader's own cgroup directory for `controller`, or "" where none is mounted.
std::string FindOwnCgroup(const std::string& controller) {
  const auto has_item = [](std::string_view list, std::string_view item) {
    std::size_t pos = 0;
    while (pos <= list.size()) {
      const std::size_t comma = std::min(list.find(',', pos), list.size());
      if (list.substr(pos, comma - pos) == item) return true;
      pos = comma + 1;
    }
    return false;
  };
  std::string mount_point, mount_root;
  std::ifstream mountinfo("/proc/self/mountinfo");
  for (std::string line; std::getline(mountinfo, line);) {
    std::istringstream in(line);
    std::vector<std::string> f;
    for (std::string w; in >> w;) f.push_back(w);
    const auto dash = std::find(f.begin(), f.end(), "-");
    if (dash == f.end() || f.end() - dash < 4 || f.size() < 5) continue;
    if (dash[1] == "cgroup" && has_item(dash[3], controller)) {
      mount_root = f[3];
      mount_point = f[4];
      break;
    }
  }
  if (mount_point.empty()) return "";
  std::ifstream self("/proc/self/cgroup");
  for (std::string line; std::getline(self, line);) {
    const auto a = line.find(':');
    const auto b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    if (!has_item(std::string_view(line).substr(a + 1, b - a - 1), controller)) continue;
    std::string rel = line.substr(b + 1);
    if (mount_root != "/" && rel.starts_with(mount_root)) rel = rel.substr(mount_root.size());
    const std::string dir = rel == "/" || rel.empty() ? mount_point : mount_point + rel;
    return IsDirectory(dir) ? dir : mount_point;
  }
  return mount_point;
}

std::atomic<unsigned> g_run_counter{0};

class RunCgroup {
 public:
  RunCgroup() = default;
  RunCgroup(const RunCgroup&) = delete;
  RunCgroup& operator=(const RunCgroup&) = delete;
  ~RunCgroup() { Remove(); }

  bool Create(const std::string& parent, const std::string& name, std::string* error) {
    dir_ = parent + "/" + name;
    if (mkdir(dir_.c_str(), 0755) != 0) {
      *error = "cannot create cgroup " + dir_ + ": " + ErrnoText(errno);
      dir_.clear();
      return false;
    }
    procs_ = Fd(open((dir_ + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC));
    if (procs_.get() < 0) {
      *error = "cannot open " + dir_ + "/cgroup.procs: " + ErrnoText(errno);
      return false;
    }
    return true;
  }
  bool Set(const char* file, const std::string& value) const {
    return WriteSmallFile(dir_ + "/" + file, value);
  }
  std::uint64_t Counter(const char* file, std::string_view key) const {
    return dir_.empty() ? 0 : ReadKeyedCounter(dir_ + "/" + file, key);
  }
  std::uint64_t Value(const char* file) const {
    const auto text = dir_.empty() ? std::nullopt : ReadSmallFile(dir_ + "/" + file);
    return text ? std::strtoull(text->c_str(), nullptr, 10) : 0;
  }
  int procs_fd() const { return procs_.get(); }
  void CloseProcsFd() { procs_.Reset(); }
  bool active() const { return !dir_.empty(); }

  // SIGKILLs every process in the group once. Returns false when the group is empty.
  bool KillOnce() const {
    if (dir_.empty()) return false;
    const auto text = ReadSmallFile(dir_ + "/cgroup.procs");
    if (!text) return false;
    std::istringstream in(*text);
    bool any = false;
    for (pid_t pid; in >> pid;) {
      if (pid > 0) kill(pid, SIGKILL);
      any = true;
    }
    return any;
  }
  // Kills until the group is empty (forks racing the kill are bounded by pids.max).
  void KillAll() const {
    for (int round = 0; round < 400 && KillOnce(); ++round) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  void Remove() {
    procs_.Reset();
    if (dir_.empty()) return;
    KillAll();
    for (int i = 0; i < 200 && rmdir(dir_.c_str()) != 0 && errno == EBUSY; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    dir_.clear();
  }

 private:
  std::string dir_;
  Fd procs_;
};

// ---------------------------------------------------------------------------------------
// The probe.

struct Host {
  SandboxCapabilities caps;
  bool root = false;
  unsigned long clone_flags = 0;  // every namespace flag that works, NEWNET included
  bool uts_ns = false;
  std::string pids_parent, memory_parent;
  uid_t uid_base = kNobody;
  unsigned uid_pool = 1;
  bool nproc_limit = false;  // RLIMIT_NPROC counts only this sandbox's processes
  uid_t own_uid = 0;
  gid_t own_gid = 0;
};

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

bool ProbeCgroup(const std::string& parent, const char* limit_file, const std::string& value) {
  if (parent.empty()) return false;
  const std::string dir = parent + "/lab-" + std::to_string(getpid()) + "-probe";
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return false;
  const bool ok = WriteSmallFile(dir + "/" + limit_file, value) &&
                  access((dir + "/cgroup.procs").c_str(), W_OK) == 0;
  rmdir(dir.c_str());
  return ok;
}

std::string IdMap(unsigned id) { return std::to_string(id) + " " + std::to_string(id) + " 1\n"; }

// LAB_SANDBOX_DISABLE=user,pid,net,mount,pids,memory,uid turns features off as if the
// kernel refused them: the only way to exercise the degraded paths on a capable machine.
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

bool ProbeNamespace(std::string_view feature, unsigned long flags) {
  return !Disabled(feature) && ProbeInChild(flags, nullptr, nullptr);
}

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
    BuildMountPlan(c.pid_ns, {}, "", mounts.steps(), nullptr);
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

  h.pids_parent = FindOwnCgroup("pids");
  h.memory_parent = FindOwnCgroup("memory");
  c.cgroup_pids = !Disabled("pids") && ProbeCgroup(h.pids_parent, "pids.max", "64");
  c.cgroup_memory =
      !Disabled("memory") && ProbeCgroup(h.memory_parent, "memory.limit_in_bytes", "1073741824");
  h.nproc_limit = (c.can_drop_uid && h.uid_pool > 1) ||
                  ((h.clone_flags & CLONE_NEWUSER) != 0 && KernelAtLeast(5, 14));

  auto warn = [&](std::string s) { c.warnings.push_back("sandbox: " + std::move(s)); };
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
  if (!c.can_drop_uid) {
    warn(h.root ? "cannot switch to an unprivileged uid: submissions run as root"
                : "the grader is not root: submissions run as your own uid " +
                      std::to_string(h.own_uid));
  }
  return h;
}

const Host& GetHost() {
  static const Host host = ProbeHost();
  return host;
}

// ---------------------------------------------------------------------------------------
// Parent side of one run.

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

struct Sink {
  int fd;
  std::string* data;
  std::size_t cap;
  bool* truncated;
  bool open = true;
};

// Reads what is there without blocking; keeps at most `cap` bytes and drops the rest, so a
// child flooding a pipe never blocks on it. Bounded per call so one stream cannot starve
// the others or the deadline.
void Drain(Sink& s) {
  char buf[65536];
  for (int i = 0; i < 16; ++i) {
    const ssize_t n = read(s.fd, buf, sizeof buf);
    if (n > 0) {
      const std::size_t room = s.cap - std::min(s.cap, s.data->size());
      const std::size_t take = std::min(room, static_cast<std::size_t>(n));
      s.data->append(buf, take);
      if (take < static_cast<std::size_t>(n) && s.truncated != nullptr) *s.truncated = true;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    s.open = false;  // EOF or error
    return;
  }
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

// Reads the sinks until every one is closed. At `deadline` calls kill_tree() and sets
// *wall_timeout; when the status sink closes (init is gone) calls kill_tree() for whatever
// outlived the program. Pipes still open a grace period after either are abandoned, so this
// returns at most ~2 s after the deadline whatever the child does.
void CaptureUntilDone(std::vector<Sink>& sinks, const Sink& status,
                      std::optional<Clock::time_point> deadline,
                      const std::function<void()>& kill_tree, bool* wall_timeout) {
  std::optional<Clock::time_point> give_up;
  bool leftovers_killed = false;
  for (;;) {
    std::vector<pollfd> fds;
    std::vector<Sink*> polled;
    for (Sink& s : sinks) {
      if (s.open) {
        fds.push_back({s.fd, POLLIN, 0});
        polled.push_back(&s);
      }
    }
    if (fds.empty()) return;
    const Clock::time_point now = Clock::now();
    if (status.open && deadline && now >= *deadline && !*wall_timeout) {
      *wall_timeout = true;
      kill_tree();
      give_up = now + std::chrono::seconds(2);
    }
    if (!status.open && !leftovers_killed) {
      // The program has ended: whatever it left behind (only possible without a PID
      // namespace) goes now, and its pipes get a moment to drain.
      leftovers_killed = true;
      kill_tree();
      if (!give_up) give_up = now + std::chrono::seconds(1);
    }
    if (give_up && now >= *give_up) return;
    auto wake = now + std::chrono::milliseconds(250);
    if (deadline && !*wall_timeout) wake = std::min(wake, *deadline);
    if (give_up) wake = std::min(wake, *give_up);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count() + 1;
    const int n = poll(fds.data(), fds.size(), static_cast<int>(std::max<long long>(ms, 0)));
    if (n < 0 && errno != EINTR) return;
    for (std::size_t i = 0; n > 0 && i < fds.size(); ++i) {
      if (fds[i].revents != 0) Drain(*polled[i]);
    }
  }
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
  r.cpu_limit = r.term_signal == SIGXCPU ||
                (r.term_signal == SIGKILL && !r.wall_timeout && !r.memory_limit &&
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
    if (!BuildMountPlan(plan.pid_ns, req.readonly_paths, workdir, mounts.steps(), &r.error))
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

  // Cgroups.
  const std::string run_name =
      "lab-" + std::to_string(getpid()) + "-" + std::to_string(g_run_counter.fetch_add(1));
  RunCgroup pids_cg, mem_cg;
  if (use_pids_cgroup) {
    if (!pids_cg.Create(host.pids_parent, run_name, &r.error)) return r;
    // +1 for the sandbox init, which is in the group but is not the program's.
    if (!pids_cg.Set("pids.max", std::to_string(lim.max_processes + 1))) {
      r.error = "sandbox: cannot set pids.max: " + ErrnoText(errno);
      return r;
    }
  }
  const std::uint64_t mem = lim.memory_bytes > 0 ? lim.memory_bytes : lim.address_space_bytes;
  if (host.caps.cgroup_memory && mem > 0) {
    if (!mem_cg.Create(host.memory_parent, run_name, &r.error)) return r;
    if (!mem_cg.Set("memory.limit_in_bytes", std::to_string(mem))) {
      r.error = "sandbox: cannot set memory.limit_in_bytes: " + ErrnoText(errno);
      return r;
    }
    mem_cg.Set("memory.memsw.limit_in_bytes",
               std::to_string(mem));  // absent without swap accounting
  }

  plan.slot_source[kFdStdin] = dev_null.get();
  plan.slot_source[kFdStdout] = out_w.get();
  plan.slot_source[kFdStderr] = err_w.get();
  plan.slot_source[kFdResult] = res_w.get();
  plan.slot_source[kFdKey] = key_r.get();
  plan.slot_source[kFdError] = ctl_w.get();
  plan.slot_source[kFdStatus] = st_w.get();
  plan.slot_source[kFdCgroupPids] = pids_cg.procs_fd();
  plan.slot_source[kFdCgroupMemory] = mem_cg.procs_fd();

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
  pids_cg.CloseProcsFd();
  mem_cg.CloseProcsFd();

  std::string ctl_data, status_data;
  std::vector<Sink> sinks;
  sinks.push_back({out_r.get(), &r.stdout_data, lim.output_bytes, &r.stdout_truncated});
  sinks.push_back({err_r.get(), &r.stderr_data, lim.output_bytes, &r.stderr_truncated});
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
    pids_cg.KillOnce();
    mem_cg.KillOnce();
  };
  std::optional<Clock::time_point> deadline;
  if (lim.wall_seconds > 0) {
    deadline = start + std::chrono::duration_cast<Clock::duration>(
                           std::chrono::duration<double>(lim.wall_seconds));
  }
  CaptureUntilDone(sinks, sinks[status_sink], deadline, kill_tree, &r.wall_timeout);

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
  pids_cg.KillAll();
  mem_cg.KillAll();
  r.process_limit_hit = pids_cg.Counter("pids.events", "max") > 0;
  const bool oom = mem_cg.Counter("memory.oom_control", "oom_kill") > 0;
  pids_cg.Remove();
  mem_cg.Remove();

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

// ---------------------------------------------------------------------------------------
// CleanOutput.

std::size_t DecodeUtf8(std::string_view s, std::size_t i, char32_t& cp, bool& valid) {
  // Same decoder as names.cc: maximal-subpart error lengths, no overlongs or surrogates.
  const auto c = static_cast<unsigned char>(s[i]);
  valid = false;
  if (c < 0x80) {
    cp = c;
    valid = true;
    return 1;
  }
  int need = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  char32_t v = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
    v = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    v = c & 0x0F;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    v = c & 0x07;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 1;
  }
  std::size_t j = i + 1;
  for (int k = 0; k < need; ++k, ++j) {
    if (j >= s.size()) return j - i;
    const auto b = static_cast<unsigned char>(s[j]);
    if (b < lo || b > hi) return j - i;
    v = (v << 6) | (b & 0x3F);
    lo = 0x80;
    hi = 0xBF;
  }
  cp = v;
  valid = true;
  return j - i;
}

// Index just past the escape sequence that starts at raw[i] (an ESC).
std::size_t SkipEscape(std::string_view raw, std::size_t i) {
  const std::size_t n = raw.size();
  std::size_t j = i + 1;
  if (j >= n) return n;
  const char c = raw[j];
  if (c == '[') {  // CSI: parameter and intermediate bytes, then one final byte
    ++j;
    while (j < n && raw[j] >= 0x20 && raw[j] <= 0x3F) ++j;
    if (j < n && raw[j] >= 0x40 && raw[j] <= 0x7E) ++j;
    return j;
  }
  if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_') {  // OSC, DCS, SOS, PM, APC
    for (++j; j < n; ++j) {
      if (raw[j] == '\a') return j + 1;
      if (raw[j] == '\x1b') return j + 1 < n && raw[j + 1] == '\\' ? j + 2 : j;
    }
    return n;
  }
  while (j < n && raw[j] >= 0x20 && raw[j] <= 0x2F) ++j;  // intermediates, then a final
  if (j < n && raw[j] >= 0x30 && raw[j] <= 0x7E) ++j;
  return j;
}

bool IsBidiControl(char32_t cp) {
  return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
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

std::string CleanOutput(std::string_view raw, std::size_t cap, bool already_truncated) {
  std::string out;
  out.reserve(std::min(raw.size(), cap));
  bool cut = already_truncated;
  const auto emit = [&](std::string_view piece) {
    if (out.size() + piece.size() > cap) {
      cut = true;
      return false;
    }
    out.append(piece);
    return true;
  };
  for (std::size_t i = 0; i < raw.size();) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (c == 0x1B) {
      i = SkipEscape(raw, i);
      continue;
    }
    if (c < 0x80) {
      const bool keep = c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7F);
      if (keep && !emit(raw.substr(i, 1))) break;
      ++i;
      continue;
    }
    char32_t cp = 0;
    bool valid = false;
    const std::size_t len = DecodeUtf8(raw, i, cp, valid);
    const bool drop = valid && (cp <= 0x9F || IsBidiControl(cp));  // C1 controls
    if (!drop && !emit(valid ? raw.substr(i, len) : std::string_view("\xEF\xBF\xBD"))) break;
    i += len;
  }
  if (cut) {
    if (!out.empty() && out.back() != '\n') out += '\n';
    out += "[... output truncated]\n";
  }
  return out;
}

}  // namespace lab::grader
