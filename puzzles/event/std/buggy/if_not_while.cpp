// lab-expect: wrong-output
// `if` where a `while` belongs: a waiter checks the flag once, sleeps, and returns as soon
// as it wakes. A std::condition_variable may wake a thread spuriously, without any notify
// (the C++ standard allows it, and the lab makes it happen), so wait() returns while the
// flag is still down. Re-check after every wake-up: a `while` loop or the predicate
// overload of wait().
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
    if (!flag_) cv_.wait(lk);  // BUG: while
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool flag_ = false;
};
