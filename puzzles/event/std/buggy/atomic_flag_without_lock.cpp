// lab-expect: stall
// "The flag is a std::atomic<bool>, so set() needs no lock": set() stores the flag and
// notifies without taking the mutex. A waiter that has just read the flag (still false)
// under the mutex but not yet gone to sleep misses the notify, then sleeps for ever
// although the flag is up: a lost wake-up. The atomic makes the flag race-free, not the
// check-then-sleep; change the state under the mutex the waiters check it under.
#include <atomic>
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

  void clear() { flag_ = false; }

  bool is_set() { return flag_; }

  void wait() {
    std::unique_lock<std::mutex> lk(m_);
    const unsigned long mine = generation_;
    while (!flag_ && generation_ == mine) cv_.wait(lk);
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  std::atomic<bool> flag_{false};
  std::atomic<unsigned long> generation_{0};
};
