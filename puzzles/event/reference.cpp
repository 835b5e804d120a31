// event — reference solution: a flag and a generation counter under one lock, one
// condition variable.
//
// set() raises the flag, counts a new generation and wakes every waiter. A waiter sleeps
// until the flag is set *or* the generation has moved on since it began to wait: so a
// set() immediately followed by clear() still releases everyone who was waiting (Python's
// threading.Event), and a spurious wake-up, with neither, sends it back to sleep.
#include <mutex>

#include "lab/sync.h"

class Event {
 public:
  Event() {}

  void set() {
    std::lock_guard lk(mu_);
    flag_ = true;
    generation_ += 1;
    changed_.notify_all();
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
    std::unique_lock lk(mu_);
    const long mine = generation_;
    changed_.wait(lk, [&] { return flag_ || generation_ != mine; });
  }

 private:
  lab::Mutex mu_{"mu"};
  lab::CondVar changed_{"changed"};
  lab::Shared<bool> flag_{false, "flag"};
  lab::Shared<long> generation_{0, "generation"};
};
