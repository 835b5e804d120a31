// lab-expect: stall
// set() notifies first and sets the flag afterwards, outside the lock: a waiter that has
// just checked the flag (still down) but not yet gone to sleep misses the notify, then
// sleeps for ever although the flag is now up: a lost wake-up. Change the state and notify
// under the lock the waiters check it with: the waiter holds that lock from its check until
// wait() puts it to sleep, so the notify cannot fall in between.
#include <mutex>

#include "lab/sync.h"

class Event {
 public:
  Event() {}

  void set() {
    changed_.notify_all();  // BUG: nobody may be asleep yet
    std::lock_guard lk(mu_);
    flag_ = true;
    generation_ += 1;
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
    while (!flag_ && generation_ == mine) changed_.wait(lk);
  }

 private:
  lab::Mutex mu_{"mu"};
  lab::CondVar changed_{"changed"};
  lab::Shared<bool> flag_{false, "flag"};
  lab::Shared<long> generation_{0, "generation"};
};
