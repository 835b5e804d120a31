// lab-expect: wrong-output data-race
// `if` where a `while` belongs: a writer woken by notify_all (or spuriously: the lab makes
// that happen) goes on without checking again, while readers are still inside or another
// writer got there first. Re-check after every wake-up: `while`, or the predicate wait.
#include <mutex>

#include "lab/sync.h"

class RWLock {
 public:
  RWLock() {}

  void lock_read() {
    std::unique_lock lk(mu_);
    while (writing_ || waiting_writers_ > 0) changed_.wait(lk);
    readers_ += 1;
  }

  void unlock_read() {
    std::lock_guard lk(mu_);
    readers_ -= 1;
    if (readers_ == 0) changed_.notify_all();
  }

  void lock_write() {
    std::unique_lock lk(mu_);
    waiting_writers_ += 1;
    if (writing_ || readers_ > 0) changed_.wait(lk);  // BUG: while
    waiting_writers_ -= 1;
    writing_ = true;
  }

  void unlock_write() {
    std::lock_guard lk(mu_);
    writing_ = false;
    changed_.notify_all();
  }

 private:
  lab::Mutex mu_{"mu"};
  lab::CondVar changed_{"changed"};
  lab::Shared<int> readers_{0, "readers"};
  lab::Shared<int> waiting_writers_{0, "waiting_writers"};
  lab::Shared<bool> writing_{false, "writing"};
};
