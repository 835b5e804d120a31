// lab-expect: data-race wrong-output
// Bug: the lock is a local variable, so every call makes its own fresh lock and no two
// threads ever share one (Python's `with threading.Lock():`). It excludes nothing.
#include <chrono>
#include <mutex>
#include <string>

#include "lab/sync.h"

class FakeDatabase {
 public:
  FakeDatabase() {}
  void update(std::string name) {
    (void)name;
    lab::Mutex lock{"lock"};
    std::lock_guard lk(lock);
    int local = value_.load();
    lab::sleep_for(std::chrono::milliseconds(100));
    value_.store(local + 1);
  }
  int value() { return value_.load(); }

 private:
  lab::Shared<int> value_{0, "value"};
};
