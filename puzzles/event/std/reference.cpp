// event — reference solution in standard C++: a flag and a generation counter under one
// std::mutex, one std::condition_variable.
//
// set() raises the flag, counts a new generation and wakes every waiter. A waiter sleeps
// until the flag is set *or* the generation has moved on since it began to wait: so a
// set() immediately followed by clear() still releases everyone who was waiting (Python's
// threading.Event), and a spurious wake-up, with neither, sends it back to sleep.
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
    std::unique_lock<std::mutex> lk(m_);
    const unsigned long mine = generation_;
    cv_.wait(lk, [&] { return flag_ || generation_ != mine; });
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool flag_ = false;             // guarded by m_
  unsigned long generation_ = 0;  // sets so far; guarded by m_
};
