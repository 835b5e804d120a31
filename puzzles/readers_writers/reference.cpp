// readers_writers — reference solution: one lock, one condition variable, three counters.
//
// A reader waits while a writer holds the lock *or waits for it*; a writer announces
// itself (waiting_writers_) before it waits, so readers who arrive after it queue up
// behind it and the readers inside drain out: writers are not starved. A writer waits until
// no reader and no writer holds the lock. Whoever releases notifies everyone: readers and
// writers wait for different conditions on one condition variable.
#include <mutex>

#include "lab/sync.h"

class RWLock {
 public:
  RWLock() {}

  void lock_read() {
    std::unique_lock lk(mu_);
    changed_.wait(lk, [&] { return !writing_ && waiting_writers_ == 0; });
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
    changed_.wait(lk, [&] { return !writing_ && readers_ == 0; });
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
