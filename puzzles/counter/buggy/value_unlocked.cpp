// lab-expect: data-race
// Bug: update() is right (the lock is held across the whole read-sleep-write), but value()
// reads without the lock ("reading can't hurt"). The read races with an update's write.
#include <chrono>
#include <mutex>
#include <string>

#include "lab/sync.h"

class FakeDatabase {
 public:
  FakeDatabase() {}
  void update(std::string name) {
    (void)name;
    std::lock_guard lk(lock_);
    int local = value_.load();
    lab::sleep_for(std::chrono::milliseconds(100));
    value_.store(local + 1);
  }
  int value() { return value_.load(); }

 private:
  lab::Mutex lock_{"lock"};
  lab::Shared<int> value_{0, "value"};
};
