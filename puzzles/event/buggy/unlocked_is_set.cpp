// lab-expect: data-race
// "is_set() only reads the flag, it needs no lock": the read races with set() and clear()
// writing it in other threads. A read is an access too; take the lock (or it may see a
// stale or torn value on real hardware).
#include <mutex>

#include "lab/sync.h"

class Event {
 public:
  Event() {}

  void set() {
    std::lock_guard lk(mu_);
    flag_ = true;
    generation_ += 1;
    changed_.notify_all();
  }

  void clear() {
    std::lock_guard lk(mu_);
    flag_ = false;
  }

  bool is_set() { return flag_.load(); }  // BUG: no lock

  void wait() {
    std::unique_lock lk(mu_);
    const long mine = generation_;
    changed_.wait(lk, [&] { return flag_ || generation_ != mine; });
  }

 private:
  lab::Mutex mu_{"mu"};
  lab::CondVar changed_{"changed"};
  lab::Shared<bool> flag_{false, "flag"};
  lab::Shared<long> generation_{0, "generation"};
};
