// lab-expect: wrong-output
// Wrapping the lab's own readers-writer lock: it skips the exercise, which is to build one
// from a mutex and condition variables (or semaphores). The spec rejects
// lab::SharedMutex here.
#include "lab/sync.h"

class RWLock {
 public:
  RWLock() {}

  void lock_read() { inner_.lock_shared(); }
  void unlock_read() { inner_.unlock_shared(); }
  void lock_write() { inner_.lock(); }
  void unlock_write() { inner_.unlock(); }

 private:
  lab::SharedMutex inner_{"inner"};  // BUG: not allowed in this puzzle
};
