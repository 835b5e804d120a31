// lab-expect: wrong-output
// The Little Book of Semaphores' "no-starve" solution: a writer holds the turnstile while
// it waits for the room, so readers queue at the turnstile behind it. Downey notes that it
// relies on a strong (FIFO) semaphore. lab::Semaphore, like Python's and POSIX's, is not:
// when a writer gives the turnstile back, a reader arriving at that moment can take it
// before the next waiting writer runs, and read while that writer, which came first,
// waits. Count the waiting writers under a lock and let readers wait while any is waiting.
#include <mutex>

#include "lab/sync.h"

class RWLock {
 public:
  RWLock() {}

  void lock_read() {
    turnstile_.acquire();
    turnstile_.release();
    std::lock_guard lk(mu_);
    readers_ += 1;
    if (readers_ == 1) room_empty_.acquire();
  }

  void unlock_read() {
    std::lock_guard lk(mu_);
    readers_ -= 1;
    if (readers_ == 0) room_empty_.release();
  }

  void lock_write() {
    turnstile_.acquire();  // BUG: another thread may take it first once it is released
    room_empty_.acquire();
  }

  void unlock_write() {
    turnstile_.release();
    room_empty_.release();
  }

 private:
  lab::Mutex mu_{"mu"};
  lab::Semaphore turnstile_{1, "turnstile"};
  lab::Semaphore room_empty_{1, "room_empty"};
  lab::Shared<int> readers_{0, "readers"};
};
