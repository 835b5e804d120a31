// lab-expect: wrong-output
// The textbook first solution, with a mutex and a condition variable: readers wait only
// while a writer is writing. Correct, but readers have priority: while readers keep
// arriving, the readers' count never drops to 0 and a waiting writer starves. Count the
// waiting writers under the lock, and let readers who arrive wait while any is waiting.
#include <condition_variable>
#include <mutex>

class RWLock {
  std::mutex m;
  std::condition_variable cv;
  int readers = 0;
  bool writing = false;

 public:
  RWLock() {}

  void lock_read() {
    std::unique_lock<std::mutex> lk(m);
    cv.wait(lk, [this] { return !writing; });  // BUG: ignores a waiting writer
    ++readers;
  }

  void unlock_read() {
    std::lock_guard<std::mutex> lk(m);
    if (--readers == 0) cv.notify_all();
  }

  void lock_write() {
    std::unique_lock<std::mutex> lk(m);
    cv.wait(lk, [this] { return !writing && readers == 0; });
    writing = true;
  }

  void unlock_write() {
    std::lock_guard<std::mutex> lk(m);
    writing = false;
    cv.notify_all();
  }
};
