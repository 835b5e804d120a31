// The private root of a sandbox run, as a list of mount steps. See sandbox_plan.h.
#include "sandbox_plan.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sandbox_util.h"

namespace lab::grader::sandbox_internal {
namespace {

// What a program run sees besides its own paths: enough for dynamically linked programs.
// Symlinks among them (merged /usr) are recreated as symlinks.
constexpr const char* kSystemPaths[] = {"/usr",   "/bin",   "/sbin",  "/lib",
                                        "/lib32", "/lib64", "/libx32"};
constexpr const char* kSystemDebugDir = "/usr/lib/debug";
constexpr const char* kEtcPaths[] = {"/etc/ld.so.cache",  "/etc/ld.so.conf",    "/etc/ld.so.conf.d",
                                     "/etc/alternatives", "/etc/localtime",     "/etc/passwd",
                                     "/etc/group",        "/etc/nsswitch.conf", "/etc/hosts"};
// What the compiler sees: the toolchain and its libraries, nothing else of the host (no
// /etc/passwd, no /usr/share, no /usr/local, no /proc). Of /etc only the dynamic loader's
// cache and the alternatives symlinks (/usr/bin/c++ -> /etc/alternatives/c++ -> g++).
constexpr const char* kToolchainPaths[] = {"/usr/bin",
                                           "/usr/lib",
                                           "/usr/lib32",
                                           "/usr/lib64",
                                           "/usr/libx32",
                                           "/usr/libexec",
                                           "/usr/include",
                                           "/bin",
                                           "/lib",
                                           "/lib32",
                                           "/lib64",
                                           "/libx32",
                                           "/etc/ld.so.cache",
                                           "/etc/alternatives"};
constexpr const char* kDevNodes[] = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random",
                                     "/dev/urandom"};

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

}  // namespace

// The mount steps of one run: system paths, /etc files, /dev, /proc (with a PID namespace),
// /tmp, then the request's paths, parents before children, the workdir writable.
bool BuildMountPlan(SandboxRoot root, bool with_proc,
                    const std::vector<std::string>& readonly_paths, const std::string& workdir,
                    std::vector<MountStep>& plan, std::string* error) {
  std::vector<std::string> system;
  if (root == SandboxRoot::kToolchain) {
    for (const char* p : kToolchainPaths) {
      if (AddPathToPlan(plan, p, false, false, false, nullptr)) system.push_back(p);
    }
  } else {
    for (const char* p : kSystemPaths) {
      if (AddPathToPlan(plan, p, false, false, false, nullptr)) system.push_back(p);
    }
    for (const char* p : kEtcPaths) AddPathToPlan(plan, p, false, false, false, nullptr);
    // The system's separate debug files (libc6-dbg's /usr/lib/debug/.build-id/...) are none
    // of a graded program's business, and they cost every scenario process: the first
    // student line it looked up made libbacktrace read every loaded library's debug
    // information, libc's 4 MB of compressed DWARF included (~0.1 s of a 0.35 s scenario).
    // An empty directory in their place; optional (the program runs without it).
    struct stat st;
    if (stat(kSystemDebugDir, &st) == 0 && S_ISDIR(st.st_mode)) {
      plan.push_back({StepKind::kTmpfs, "mode=0555,size=4k,nr_inodes=16", kSystemDebugDir,
                      MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, false});
    }
  }

  plan.push_back(
      {StepKind::kTmpfs, "mode=0755,size=1m,nr_inodes=256", "/dev", MS_NOSUID | MS_NOEXEC});
  // Device nodes stay writable (writing /dev/null is normal); their modes protect them.
  for (const char* p : kDevNodes) {
    // The compiler needs no endless device: `#include "/dev/zero"` finds nothing.
    const std::string_view node = p;
    if (root == SandboxRoot::kToolchain && node != "/dev/null" && node != "/dev/urandom") continue;
    AddPathToPlan(plan, p, true, true, true, nullptr);
  }
  const std::pair<const char*, const char*> dev_links[] = {{"/proc/self/fd", "/dev/fd"},
                                                           {"/proc/self/fd/0", "/dev/stdin"},
                                                           {"/proc/self/fd/1", "/dev/stdout"},
                                                           {"/proc/self/fd/2", "/dev/stderr"}};
  for (const auto& [to, at] : dev_links) plan.push_back({StepKind::kSymlink, to, at, 0, false});
  plan.push_back({StepKind::kTmpfs, "mode=1777,size=64m", "/dev/shm", MS_NOSUID | MS_NODEV, false});
  if (with_proc && root == SandboxRoot::kProgram) {
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

void MountPlan::Finalize() {
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
                      mkdirs_[i].data(), static_cast<int>(mkdirs_[i].size()), s.flags, s.required});
  }
  mkdir_index_.clear();
}

std::string IdMap(unsigned id) { return std::to_string(id) + " " + std::to_string(id) + " 1\n"; }

}  // namespace lab::grader::sandbox_internal
