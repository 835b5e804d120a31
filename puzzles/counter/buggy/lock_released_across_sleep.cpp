// lab-expect: wrong-output
// Bug: the read and the write are each locked, but the lock is let go during the sleep
// ("don't hold a lock while sleeping"). Every access is protected, so there is no data
// race, yet the read-modify-write is not atomic: two threads read 0 and both write 1.
// Here the sleep stands for work on the value, so the lock must be held across it.
#include <chrono>
#include <mutex>
#include <string>

#include "lab/sync.h"

class FakeDatabase {
 public:
  FakeDatabase() {}
  void update(std::string name) {
    (void)name;
    int local;
    {
      std::lock_guard lk(lock_);
      local = value_.load();
    }
    lab::sleep_for(std::chrono::milliseconds(100));
    {
      std::lock_guard lk(lock_);
      value_.store(local + 1);
    }
  }
  int value() {
    std::lock_guard lk(lock_);
    return value_.load();
  }

 private:
  lab::Mutex lock_{"lock"};
  lab::Shared<int> value_{0, "value"};
};
