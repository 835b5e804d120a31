// lab-expect: wrong-output
// The Little Book of Semaphores' first readers-writers solution: the first reader in locks
// the room, the last one out unlocks it (a "lightswitch"). Correct, but readers have
// priority: while readers keep arriving, the room never empties and a waiting writer
// starves. Make readers who arrive after a waiting writer wait too (a turnstile both pass
// through, or a count of waiting writers).
#include <mutex>

#include "lab/sync.h"

class RWLock {
 public:
  RWLock() {}

  void lock_read() {
    std::lock_guard lk(mu_);
    readers_ += 1;
    if (readers_ == 1) room_empty_.acquire();  // the first reader locks the writers out
  }

  void unlock_read() {
    std::lock_guard lk(mu_);
    readers_ -= 1;
    if (readers_ == 0) room_empty_.release();  // the last reader lets them in
  }

  void lock_write() { room_empty_.acquire(); }  // BUG: waits until no reader is left, ever
  void unlock_write() { room_empty_.release(); }

 private:
  lab::Mutex mu_{"mu"};
  lab::Semaphore room_empty_{1, "room_empty"};
  lab::Shared<int> readers_{0, "readers"};
};
