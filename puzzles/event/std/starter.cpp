// event — starter in standard C++. Copy it (`lab new event --std`), then build Python's
// threading.Event.
//
// As given, the flag is kept but wait() never waits: `lab check` shows threads that wake
// before anyone called set(). Make wait() block until set(), using a std::mutex, a
// std::condition_variable and the flag (a plain bool: the lab checks every access to it,
// so one without the lock shows as a data race). Keep the class signature exactly.
#include <condition_variable>
#include <mutex>

class Event {
 public:
  Event() {}

  // Sets the flag and wakes every thread waiting in wait().
  void set() {
    std::lock_guard<std::mutex> lk(m_);
    flag_ = true;
    // TODO: wake the waiting threads.
  }

  // Resets the flag: later calls to wait() block again.
  void clear() {
    std::lock_guard<std::mutex> lk(m_);
    flag_ = false;
  }

  bool is_set() {
    std::lock_guard<std::mutex> lk(m_);
    return flag_;
  }

  // Returns at once while the flag is set; otherwise blocks until some thread calls set().
  void wait() {
    // TODO: block until set().
  }

 private:
  std::mutex m_;
  // TODO: a std::condition_variable to wait on.
  bool flag_ = false;
};
