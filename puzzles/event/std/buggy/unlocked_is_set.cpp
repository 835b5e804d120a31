// lab-expect: data-race
// "is_set() only reads the flag, it needs no lock": the read of the plain bool races with
// set() and clear() writing it in other threads. A read is an access too (undefined
// behaviour in C++, and a stale value on real hardware); take the lock.
#include <condition_variable>
#include <mutex>

class Event {
 public:
  Event() {}

  void set() {
    std::lock_guard<std::mutex> lk(m_);
    flag_ = true;
    ++generation_;
    cv_.notify_all();
  }

  void clear() {
    std::lock_guard<std::mutex> lk(m_);
    flag_ = false;
  }

  bool is_set() { return flag_; }  // BUG: no lock

  void wait() {
    std::unique_lock<std::mutex> lk(m_);
    const unsigned long mine = generation_;
    cv_.wait(lk, [&] { return flag_ || generation_ != mine; });
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool flag_ = false;
  unsigned long generation_ = 0;
};
