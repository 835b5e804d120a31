// lab-expect: data-race
// "set() only writes the flag and notifies; the lock is for the waiters": set() changes
// the plain bool and the counter without taking the mutex. Those writes race with the
// waiters reading them under the mutex (undefined behaviour in C++), and a waiter that
// has just found the flag down but not yet gone to sleep can miss the notify and sleep for
// ever. The waiters' mutex must be held for every change of what they wait for (even if
// the variable were a std::atomic, as cppreference's condition_variable page warns).
#include <condition_variable>
#include <mutex>

class Event {
 public:
  Event() {}

  void set() {
    flag_ = true;  // BUG: not under m_
    ++generation_;
    cv_.notify_all();
  }

  void clear() {
    std::lock_guard<std::mutex> lk(m_);
    flag_ = false;
  }

  bool is_set() {
    std::lock_guard<std::mutex> lk(m_);
    return flag_;
  }

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
