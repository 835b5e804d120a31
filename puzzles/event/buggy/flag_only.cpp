// lab-expect: stall
// The C++ textbook wait, `while (!flag) cv.wait(lk)`, is not Python's Event: when set() is
// followed at once by clear(), the woken waiters re-check the flag, find it down again and
// go back to sleep; nobody sets it again, so they sleep for ever. Python's Event releases
// every thread that was waiting when set() was called. Remember *that a set() happened*
// (a counter of set() calls), not only the flag, and wait for either.
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
    while (!flag_) changed_.wait(lk);  // BUG: a set() that was cleared again is missed
  }

 private:
  lab::Mutex mu_{"mu"};
  lab::CondVar changed_{"changed"};
  lab::Shared<bool> flag_{false, "flag"};
};
