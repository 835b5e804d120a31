// lab-expect: stall
// The C++ textbook wait, `cv.wait(lk, [&] { return flag; })`, is not Python's Event: when
// set() is followed at once by clear(), the woken waiters re-check the flag, find it down
// again and go back to sleep; nobody sets it again, so they sleep for ever. Python's Event
// releases everyone who was waiting when set() ran. Count the set()s (a generation) and
// let a waiter go when the count has moved since it began to wait.
#include <condition_variable>
#include <mutex>

class Event {
 public:
  Event() {}

  void set() {
    std::lock_guard<std::mutex> lk(m_);
    flag_ = true;
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
    cv_.wait(lk, [this] { return flag_; });  // BUG: a set() undone by clear() is missed
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool flag_ = false;
};
