// The parent's capture loop: reading a run's pipes without blocking, stopping a run at its
// wall-clock limit or when it floods its output, and giving up on pipes that outlive it.
// Internal to the sandbox.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace lab::grader::sandbox_internal {

using Clock = std::chrono::steady_clock;

// One pipe from the child and where its bytes go.
struct Sink {
  int fd;
  std::string* data;
  std::size_t cap;
  bool* truncated;
  bool open = true;
  bool stops_run = false;  // passing the cap stops the run (the program's stdout and stderr)
};

// Reads what is there without blocking; keeps at most `cap` bytes and drops the rest, so a
// child flooding a pipe never blocks on it. Bounded per call so one stream cannot starve
// the others or the deadline.
void Drain(Sink& s);

// Reads the sinks until every one is closed. At `deadline` calls kill_tree() and sets
// *wall_timeout; when a `stops_run` sink passes its cap, calls kill_tree() and sets
// *output_limit (a flood is stopped, not drained until the wall clock); when the status sink
// closes (init is gone) calls kill_tree() for whatever outlived the program. Pipes still
// open a grace period after either are abandoned, so this returns at most ~2 s after the
// deadline whatever the child does.
void CaptureUntilDone(std::vector<Sink>& sinks, const Sink& status,
                      std::optional<Clock::time_point> deadline,
                      const std::function<void()>& kill_tree, bool* wall_timeout,
                      bool* output_limit);

}  // namespace lab::grader::sandbox_internal
