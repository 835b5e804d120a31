// lab-expect: data-race
// "Most calls find the flag already set, so skip the lock then": wait() first reads the
// plain bool without the lock and returns at once when it is up. That read races with
// set() and clear() writing the flag under the lock in other threads: undefined behaviour
// in C++ (the compiler may keep the value in a register; the hardware may show a stale
// one). Check the flag under the lock, or make the fast path a std::atomic<bool> that is
// also written under the lock.
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

  bool is_set() {
    std::lock_guard<std::mutex> lk(m_);
    return flag_;
  }

  void wait() {
    if (flag_) return;  // BUG: read without the lock
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
