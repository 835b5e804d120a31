// lab-expect: wrong-output
// `if` where a `while` belongs: a waiter checks the flag once, sleeps, and returns as soon
// as it wakes. A condition variable may wake a thread spuriously, without any notify (the
// lab makes that happen, as real systems do), so wait() returns while the flag is still
// down. Re-check after every wake-up: a `while` loop or the predicate overload of wait().
#include <mutex>

#include "lab/sync.h"

class Event {
 public:
  Event() {}

  void set() {
    std::lock_guard lk(mu_);
    flag_ = true;
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
    if (!flag_) changed_.wait(lk);  // BUG: while
  }

 private:
  lab::Mutex mu_{"mu"};
  lab::CondVar changed_{"changed"};
  lab::Shared<bool> flag_{false, "flag"};
};
