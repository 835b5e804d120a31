// lab-expect: wrong-output
// Wrapping the standard library's readers-writer lock: it skips the exercise, which is to
// build one from a mutex and condition variables (or semaphores). The spec rejects
// std::shared_mutex here, as it rejects lab::SharedMutex. (On glibc it would also let a
// stream of readers starve a writer: pthread_rwlock prefers readers by default.)
#include <shared_mutex>

class RWLock {
  std::shared_mutex rw;  // BUG: not allowed in this puzzle

 public:
  RWLock() {}

  void lock_read() { rw.lock_shared(); }
  void unlock_read() { rw.unlock_shared(); }
  void lock_write() { rw.lock(); }
  void unlock_write() { rw.unlock(); }
};
