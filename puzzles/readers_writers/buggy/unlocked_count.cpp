// lab-expect: data-race
// The reader count is changed without the mutex, in unlock_read ("it is only a
// decrement"): two readers leaving together race on it, and a decrement can be lost, so
// the writer waits for a reader that has gone. Every access to shared state under the lock.
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
    readers_ -= 1;  // BUG: outside the lock
    std::lock_guard lk(mu_);
    changed_.notify_all();
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
