// event — starter. Copy it (`lab new event`), then build Python's threading.Event.
//
// As given, the flag is kept but wait() never waits: `lab check` shows threads that wake
// before anyone called set(). Make wait() block until set(), using a lab::Mutex, a
// lab::CondVar and the flag (lab::Event itself is not allowed here). Keep the class
// signature exactly.
#include <functional>
#include <mutex>

#include "lab/sync.h"

class Event {
 public:
  Event() {}

  // Sets the flag and wakes every thread waiting in wait().
  void set() {
    std::lock_guard lk(mu_);
    flag_ = true;
    // TODO: wake the waiting threads.
  }

  // Resets the flag: later calls to wait() block again.
  void clear() {
    std::lock_guard lk(mu_);
    flag_ = false;
  }

  bool is_set() {
    std::lock_guard lk(mu_);
    return flag_;
  }

  // Returns at once while the flag is set; otherwise blocks until some thread calls set().
  void wait() {
    // TODO: block until set().
  }

 private:
  lab::Mutex mu_{"mu"};
  // TODO: a lab::CondVar to wait on.
  lab::Shared<bool> flag_{false, "flag"};
};
