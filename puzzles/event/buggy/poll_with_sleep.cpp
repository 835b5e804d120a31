// lab-expect: too-slow livelock
// Busy-waiting: wait() polls is_set() and sleeps a millisecond between polls. It "works",
// but every waiter wakes up to a millisecond late and burns the CPU a thousand times a
// second while it waits (and a set(); clear(); falls between two polls unseen). Block on a
// condition variable that set() notifies.
#include <chrono>
#include <mutex>

#include "lab/sync.h"

class Event {
 public:
  Event() {}

  void set() {
    std::lock_guard lk(mu_);
    flag_ = true;
  }

  void clear() {
    std::lock_guard lk(mu_);
    flag_ = false;
  }

  bool is_set() {
    std::lock_guard lk(mu_);
    return flag_;
  }

  void wait() {
    while (!is_set()) lab::sleep_for(std::chrono::milliseconds(1));  // BUG: polling
  }

 private:
  lab::Mutex mu_{"mu"};
  lab::Shared<bool> flag_{false, "flag"};
};
