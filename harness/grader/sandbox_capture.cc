// The parent's capture loop. See sandbox_capture.h.
#include "sandbox_capture.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace lab::grader::sandbox_internal {

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

void CaptureUntilDone(std::vector<Sink>& sinks, const Sink& status,
                      std::optional<Clock::time_point> deadline,
                      const std::function<void()>& kill_tree, bool* wall_timeout,
                      bool* output_limit) {
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
      if (fds[i].revents == 0) continue;
      Sink& s = *polled[i];
      Drain(s);
      if (s.stops_run && *s.truncated && !*output_limit) {
        *output_limit = true;
        kill_tree();
        if (!give_up) give_up = Clock::now() + std::chrono::seconds(2);
      }
    }
  }
}

}  // namespace lab::grader::sandbox_internal
