// lab-expect: wrong-output data-race
// `if` around cv.wait: a writer woken by notify_all (or spuriously, as C++ allows: the lab
// makes that happen) goes on without checking again, while readers are still inside or
// another writer got there first. Re-check after every wake-up: `while`, or the predicate
// form of wait.
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
    while (writing || waitingWriters > 0) cv.wait(lk);
    ++readers;
  }

  void unlock_read() {
    std::lock_guard<std::mutex> lk(m);
    if (--readers == 0) cv.notify_all();
  }

  void lock_write() {
    std::unique_lock<std::mutex> lk(m);
    ++waitingWriters;
    if (writing || readers > 0) cv.wait(lk);  // BUG: while
    --waitingWriters;
    writing = true;
  }

  void unlock_write() {
    std::lock_guard<std::mutex> lk(m);
    writing = false;
    cv.notify_all();
  }
};
