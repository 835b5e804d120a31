// lab-expect: data-race
// The reader count is decremented without the mutex in unlock_read ("it is only a
// decrement"): two readers leaving together both read and write the plain int, a data race
// (undefined behaviour in C++), and a lost decrement leaves the writer waiting for a reader
// that has gone. Every access to shared state under the lock.
#include <condition_variable>
#include <mutex>

class RWLock {
  std::mutex m;
  std::condition_variable cv;
  int readers = 0;
  int waitingWriters = 0;
  bool writing = false;

 public:
  RWLock() {}

  void lock_read() {
    std::unique_lock<std::mutex> lk(m);
    cv.wait(lk, [this] { return !writing && waitingWriters == 0; });
    ++readers;
  }

  void unlock_read() {
    --readers;  // BUG: outside the lock
    std::lock_guard<std::mutex> lk(m);
    cv.notify_all();
  }

  void lock_write() {
    std::unique_lock<std::mutex> lk(m);
    ++waitingWriters;
    cv.wait(lk, [this] { return !writing && readers == 0; });
    --waitingWriters;
    writing = true;
  }

  void unlock_write() {
    std::lock_guard<std::mutex> lk(m);
    writing = false;
    cv.notify_all();
  }
};
