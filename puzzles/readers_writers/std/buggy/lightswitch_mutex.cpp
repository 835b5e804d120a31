// lab-expect: unlock-not-owner
// The Little Book of Semaphores' lightswitch with a std::mutex as the room lock: the first
// reader in locks it and the last reader out unlocks it, but the last reader out is often
// another thread. A std::mutex is owned: unlocking it from a thread that does not hold it
// is undefined behaviour in C++. A lock one thread takes and another gives back is a
// semaphore (std::binary_semaphore roomEmpty{1}), as in the book. (Readers also have
// priority here: a stream of readers starves the writer.)
#include <mutex>

class RWLock {
  std::mutex mutex;      // guards readers
  std::mutex roomEmpty;  // BUG: should be a semaphore
  int readers = 0;

 public:
  RWLock() {}

  void lock_read() {
    std::lock_guard<std::mutex> lk(mutex);
    if (++readers == 1) roomEmpty.lock();  // the first reader in locks the writers out
  }

  void unlock_read() {
    std::lock_guard<std::mutex> lk(mutex);
    if (--readers == 0) roomEmpty.unlock();  // BUG: maybe not the reader that locked it
  }

  void lock_write() { roomEmpty.lock(); }
  void unlock_write() { roomEmpty.unlock(); }
};
