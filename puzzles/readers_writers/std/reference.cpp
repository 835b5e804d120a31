// readers_writers — reference solution in standard C++: one std::mutex, one
// std::condition_variable and three plain counters guarded by the mutex.
//
// A reader waits while a writer holds the lock *or waits for it*; a writer announces
// itself (waiting_writers_) before it waits, so readers who arrive after it queue up behind
// it and the readers inside drain out: writers are not starved. A writer waits until no
// reader and no writer holds the lock. Readers and writers wait for different conditions on
// one condition variable, so whoever releases notifies all.
#include <condition_variable>
#include <mutex>

class RWLock {
 public:
  RWLock() {}

  void lock_read() {
    std::unique_lock<std::mutex> lk(m_);
    cv_.wait(lk, [this] { return !writing_ && waiting_writers_ == 0; });
    ++readers_;
  }

  void unlock_read() {
    std::lock_guard<std::mutex> lk(m_);
    if (--readers_ == 0) cv_.notify_all();
  }

  void lock_write() {
    std::unique_lock<std::mutex> lk(m_);
    ++waiting_writers_;
    cv_.wait(lk, [this] { return !writing_ && readers_ == 0; });
    --waiting_writers_;
    writing_ = true;
  }

  void unlock_write() {
    std::lock_guard<std::mutex> lk(m_);
    writing_ = false;
    cv_.notify_all();
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  int readers_ = 0;          // readers holding the lock
  int waiting_writers_ = 0;  // writers waiting for it
  bool writing_ = false;     // a writer holds it
};
