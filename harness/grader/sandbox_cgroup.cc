// The sandbox's per-run cgroups, v1 and v2. See sandbox_cgroup.h.
#include "sandbox_cgroup.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace lab::grader::sandbox_internal {
namespace {

constexpr const char* kGraderLeaf = "lab-grader";

bool HasItem(std::string_view list, std::string_view item, char sep) {
  std::size_t pos = 0;
  while (pos <= list.size()) {
    const std::size_t end = std::min(list.find(sep, pos), list.size());
    if (list.substr(pos, end - pos) == item) return true;
    pos = end + 1;
  }
  return false;
}

// The lines of `text`.
std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const std::size_t nl = std::min(text.find('\n'), text.size());
    out.push_back(text.substr(0, nl));
    text.remove_prefix(std::min(nl + 1, text.size()));
  }
  return out;
}

// A mountinfo line's mount root, mount point, fs type and super options; false if malformed.
bool ParseMountinfoLine(std::string_view line, std::string* root, std::string* point,
                        std::string* type, std::string* options) {
  std::istringstream in{std::string(line)};
  std::vector<std::string> f;
  for (std::string w; in >> w;) f.push_back(w);
  const auto dash = std::find(f.begin(), f.end(), "-");
  if (dash == f.end() || f.end() - dash < 4 || f.size() < 5) return false;
  *root = f[3];
  *point = f[4];
  *type = dash[1];
  *options = dash[3];
  return true;
}

// "<mount point><path below the mount's root>", or the mount point when `rel` is outside it.
std::string JoinCgroupPath(const std::string& mount_point, const std::string& mount_root,
                           std::string rel) {
  if (mount_root != "/" && rel.starts_with(mount_root)) rel = rel.substr(mount_root.size());
  return rel == "/" || rel.empty() ? mount_point : mount_point + rel;
}

std::vector<long> ListPids(const std::string& procs_file) {
  std::vector<long> pids;
  const auto text = ReadSmallFile(procs_file);
  if (!text) return pids;
  std::istringstream in(*text);
  for (long pid; in >> pid;) pids.push_back(pid);
  return pids;
}

// rmdir of a cgroup (a fake tree's directories hold real files: remove them too).
bool RemoveGroupDir(const std::string& dir, bool fake_tree) {
  if (fake_tree) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return !ec;
  }
  return rmdir(dir.c_str()) == 0;
}

std::atomic<unsigned> g_run_counter{0};

}  // namespace

std::string FindOwnCgroupV1(std::string_view controller, std::string_view mountinfo,
                            std::string_view self_cgroup) {
  std::string mount_point, mount_root;
  for (std::string_view line : Lines(mountinfo)) {
    std::string root, point, type, options;
    if (!ParseMountinfoLine(line, &root, &point, &type, &options)) continue;
    if (type == "cgroup" && HasItem(options, controller, ',')) {
      mount_root = root;
      mount_point = point;
      break;
    }
  }
  if (mount_point.empty()) return "";
  for (std::string_view line : Lines(self_cgroup)) {
    const auto a = line.find(':');
    const auto b = line.find(':', a + 1);
    if (a == std::string_view::npos || b == std::string_view::npos) continue;
    if (!HasItem(line.substr(a + 1, b - a - 1), controller, ',')) continue;
    const std::string dir =
        JoinCgroupPath(mount_point, mount_root, std::string(line.substr(b + 1)));
    return IsDirectory(dir) ? dir : mount_point;
  }
  return mount_point;
}

std::string FindOwnCgroupV2(std::string_view mountinfo, std::string_view self_cgroup,
                            bool* is_root) {
  std::string mount_point, mount_root;
  for (std::string_view line : Lines(mountinfo)) {
    std::string root, point, type, options;
    if (ParseMountinfoLine(line, &root, &point, &type, &options) && type == "cgroup2") {
      mount_root = root;
      mount_point = point;
      break;
    }
  }
  *is_root = false;
  if (mount_point.empty()) return "";
  for (std::string_view line : Lines(self_cgroup)) {
    if (!line.starts_with("0::")) continue;  // the unified hierarchy's line
    const std::string dir = JoinCgroupPath(mount_point, mount_root, std::string(line.substr(3)));
    *is_root = dir == mount_point;
    return dir;
  }
  *is_root = true;
  return mount_point;
}

bool DelegateCgroup2(const std::string& own, bool is_root, bool fake_tree, CgroupLayout* layout,
                     std::string* problem) {
  const auto available = ReadSmallFile(own + "/cgroup.controllers");
  if (!available) {
    *problem = "cannot read " + own + "/cgroup.controllers";
    return false;
  }
  bool pids = false, memory = false;
  std::istringstream in(*available);
  for (std::string c; in >> c;) {
    pids = pids || c == "pids";
    memory = memory || c == "memory";
  }
  if (!pids && !memory) {
    *problem = "the grader's cgroup " + own +
               " has neither the pids nor the memory controller (not delegated to it)";
    return false;
  }
  const std::string wanted =
      std::string(pids ? "+pids" : "") + (pids && memory ? " " : "") + (memory ? "+memory" : "");

  // Processes may not live in a cgroup that gives controllers to its children (but for the
  // root of the whole hierarchy): the grader moves into a leaf of its own first.
  const std::string leaf = own + "/" + kGraderLeaf;
  const auto move_into_leaf = [&](long pid) {
    if (mkdir(leaf.c_str(), 0755) != 0 && errno != EEXIST) {
      *problem = "cannot create " + leaf + ": " + ErrnoText(errno);
      return false;
    }
    if (!WriteSmallFile(leaf + "/cgroup.procs", std::to_string(pid), fake_tree) && errno != ESRCH) {
      *problem =
          "cannot move process " + std::to_string(pid) + " into " + leaf + ": " + ErrnoText(errno);
      return false;
    }
    return true;
  };
  if (!is_root) {
    if (!move_into_leaf(getpid())) return false;
    std::vector<long> others = ListPids(own + "/cgroup.procs");
    std::erase(others, static_cast<long>(getpid()));
    if (!others.empty()) {
      *problem = "the grader's cgroup " + own + " holds " + std::to_string(others.size()) +
                 " other process(es), so it cannot hold the per-run groups; start the grader "
                 "in a cgroup of its own (systemd-run --scope -p Delegate=yes lab grade ...)";
      return false;
    }
  }
  bool enabled = WriteSmallFile(own + "/cgroup.subtree_control", wanted, fake_tree);
  if (!enabled && is_root && errno == EBUSY) {
    // The root of a cgroup namespace (a container) is not exempt: the container is the
    // grader's to arrange, so every process in it moves into the leaf.
    for (long pid : ListPids(own + "/cgroup.procs")) {
      if (!move_into_leaf(pid)) return false;
    }
    enabled = WriteSmallFile(own + "/cgroup.subtree_control", wanted, fake_tree);
  }
  if (!enabled) {
    *problem =
        "cannot enable " + wanted + " in " + own + "/cgroup.subtree_control: " + ErrnoText(errno);
    return false;
  }
  layout->version = CgroupVersion::kV2;
  layout->pids_parent = layout->memory_parent = own;
  layout->fake_tree = fake_tree;
  layout->kill_file = fake_tree || KernelAtLeast(5, 14);  // each run's group checks its own
  layout->pids = pids && ProbeCgroupFile(own, "pids.max", "64", fake_tree);
  layout->memory = memory && ProbeCgroupFile(own, "memory.max", "1073741824", fake_tree);
  if (!layout->pids && !layout->memory) {
    *problem = "cannot set pids.max or memory.max in a group under " + own;
    return false;
  }
  return true;
}

bool RunCgroup::Create(const std::string& parent, const std::string& name,
                       const CgroupLayout& layout, std::string* error) {
  dir_ = parent + "/" + name;
  fake_tree_ = layout.fake_tree;
  // A group of this name can outlive its grader (killed before it removed the group; the
  // pid in the name is then reused, or another pid namespace shares the cgroup tree): such
  // a group is never touched (it may be another grader's), the run takes the next free name.
  for (int attempt = 2; mkdir(dir_.c_str(), 0755) != 0; ++attempt) {
    if (errno != EEXIST || attempt > 64) {
      *error = "cannot create cgroup " + dir_ + ": " + ErrnoText(errno);
      dir_.clear();
      return false;
    }
    dir_ = parent + "/" + name + "-" + std::to_string(attempt);
  }
  // cgroup.kill exists in every non-root v2 group since Linux 5.14.
  kill_file_ = layout.version == CgroupVersion::kV2 &&
               (fake_tree_ ? layout.kill_file : access((dir_ + "/cgroup.kill").c_str(), F_OK) == 0);
  const int flags = O_WRONLY | O_CLOEXEC | (fake_tree_ ? O_CREAT : 0);
  procs_ = Fd(open((dir_ + "/cgroup.procs").c_str(), flags, 0644));
  if (procs_.get() < 0) {
    *error = "cannot open " + dir_ + "/cgroup.procs: " + ErrnoText(errno);
    return false;
  }
  return true;
}

bool RunCgroup::Set(const char* file, const std::string& value) const {
  return !dir_.empty() && WriteSmallFile(dir_ + "/" + file, value, fake_tree_);
}

std::uint64_t RunCgroup::Counter(const char* file, std::string_view key) const {
  return dir_.empty() ? 0 : ReadKeyedCounter(dir_ + "/" + file, key);
}

bool RunCgroup::KillOnce() const {
  if (dir_.empty()) return false;
  const std::vector<long> pids = ListPids(dir_ + "/cgroup.procs");
  if (pids.empty()) return false;
  // cgroup.kill takes the whole group at once, forks in flight included.
  if (kill_file_ && Set("cgroup.kill", "1")) return true;
  for (long pid : pids) {
    if (pid > 0) kill(static_cast<pid_t>(pid), SIGKILL);
  }
  return true;
}

void RunCgroup::KillAll() const {
  for (int round = 0; round < 400 && KillOnce(); ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void RunCgroup::Remove() {
  procs_.Reset();
  if (dir_.empty()) return;
  if (!fake_tree_) KillAll();
  for (int i = 0; i < 200 && !RemoveGroupDir(dir_, fake_tree_) && errno == EBUSY; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  dir_.clear();
}

bool SetRunLimits(CgroupVersion version, RunCgroup* pids, std::uint64_t max_pids, RunCgroup* memory,
                  std::uint64_t memory_bytes, std::string* error) {
  if (pids != nullptr && pids->active() && max_pids > 0 &&
      !pids->Set("pids.max", std::to_string(max_pids))) {
    *error = "sandbox: cannot set pids.max: " + ErrnoText(errno);
    return false;
  }
  if (memory == nullptr || !memory->active() || memory_bytes == 0) return true;
  const std::string bytes = std::to_string(memory_bytes);
  if (version == CgroupVersion::kV2) {
    if (!memory->Set("memory.max", bytes)) {
      *error = "sandbox: cannot set memory.max: " + ErrnoText(errno);
      return false;
    }
    memory->Set("memory.swap.max", "0");   // absent without swap accounting
    memory->Set("memory.oom.group", "1");  // an OOM kill takes the whole tree
    return true;
  }
  if (!memory->Set("memory.limit_in_bytes", bytes)) {
    *error = "sandbox: cannot set memory.limit_in_bytes: " + ErrnoText(errno);
    return false;
  }
  memory->Set("memory.memsw.limit_in_bytes", bytes);  // absent without swap accounting
  return true;
}

bool RunHitProcessLimit(const RunCgroup& pids) { return pids.Counter("pids.events", "max") > 0; }

bool RunWasOomKilled(CgroupVersion version, const RunCgroup& memory) {
  return version == CgroupVersion::kV2 ? memory.Counter("memory.events", "oom_kill") > 0
                                       : memory.Counter("memory.oom_control", "oom_kill") > 0;
}

std::string NextRunCgroupName() {
  return "lab-" + std::to_string(getpid()) + "-" + std::to_string(g_run_counter.fetch_add(1));
}

bool ProbeCgroupFile(const std::string& parent, const char* limit_file, const std::string& value,
                     bool fake_tree) {
  if (parent.empty()) return false;
  const std::string dir = parent + "/lab-" + std::to_string(getpid()) + "-probe";
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return false;
  const bool ok = WriteSmallFile(dir + "/" + limit_file, value, fake_tree) &&
                  (fake_tree || access((dir + "/cgroup.procs").c_str(), W_OK) == 0);
  RemoveGroupDir(dir, fake_tree);
  return ok;
}

}  // namespace lab::grader::sandbox_internal
