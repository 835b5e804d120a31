// lab-expect: stall
// The last reader out does not wake anyone: a writer waiting for the readers to leave
// sleeps on although the room is now empty, and every reader behind it waits for it: a
// stall. When the count the others wait for reaches zero, notify them.
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
    readers_ -= 1;  // BUG: no notify when the last reader leaves
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
