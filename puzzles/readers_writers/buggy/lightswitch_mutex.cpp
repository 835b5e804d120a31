// lab-expect: unlock-not-owner
// The Little Book's no-starve solution (a turnstile and a lightswitch) with a lab::Mutex
// as the room lock: the first reader in locks it and the last reader out unlocks it, but the last reader out is often another thread. A lab::Mutex
// (like std::mutex) is owned: only the thread that locked it may unlock it. A lock one
// thread takes and another gives back is a lab::Semaphore{1}.
#include <mutex>

#include "lab/sync.h"

class RWLock {
 public:
  RWLock() {}

  void lock_read() {
    turnstile_.acquire();  // a waiting writer holds the turnstile: later readers queue
    turnstile_.release();
    std::lock_guard lk(mu_);
    readers_ += 1;
    if (readers_ == 1) room_.lock();
  }

  void unlock_read() {
    std::lock_guard lk(mu_);
    readers_ -= 1;
    if (readers_ == 0) room_.unlock();  // BUG: maybe not the reader that locked it
  }

  void lock_write() {
    turnstile_.acquire();
    room_.lock();
    turnstile_.release();
  }

  void unlock_write() { room_.unlock(); }

 private:
  lab::Mutex mu_{"mu"};
  lab::Mutex room_{"room"};  // BUG: should be a lab::Semaphore{1}
  lab::Semaphore turnstile_{1, "turnstile"};
  lab::Shared<int> readers_{0, "readers"};
};
