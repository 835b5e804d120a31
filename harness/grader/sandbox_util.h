// Small parent-side helpers shared by the sandbox's files: an owning file descriptor, errno
// text, and reading/writing the short files of /proc and cgroupfs. Internal to the sandbox.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace lab::grader::sandbox_internal {

// An owned file descriptor, closed on destruction.
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
  void Reset();

 private:
  int fd_ = -1;
};

// A close-on-exec pipe.
bool MakePipe(Fd& read_end, Fd& write_end);

std::string ErrnoText(int err);

// The whole of a small file, or nullopt when it cannot be opened.
std::optional<std::string> ReadSmallFile(const std::string& path);

// Writes `content` in one write() to an existing file (cgroupfs and /proc files are never
// created: a missing one is a failure). `create` also creates it (only the tests' fake
// cgroup trees need that).
bool WriteSmallFile(const std::string& path, const std::string& content, bool create = false);

bool IsDirectory(const std::string& path);

// The value of "<key> <n>" in a cgroup stat-style file ("max 3", "oom_kill 1"), or 0.
std::uint64_t ReadKeyedCounter(const std::string& path, std::string_view key);

bool KernelAtLeast(int major, int minor);

}  // namespace lab::grader::sandbox_internal
