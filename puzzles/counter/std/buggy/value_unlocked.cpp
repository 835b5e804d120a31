// lab-expect: data-race
// Bug: update() is right (the lock is held across the whole read-sleep-write), but value()
// reads the plain int without the lock ("reading can't hurt"). The read races with an
// update's write: undefined behaviour in C++, and a stale or torn value on real hardware.
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

class FakeDatabase {
 public:
  FakeDatabase() {}

  void update(std::string name) {
    (void)name;
    std::lock_guard<std::mutex> lock(mutex_);
    int local = value_;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    value_ = local + 1;
  }

  int value() { return value_; }  // BUG: no lock

 private:
  std::mutex mutex_;
  int value_ = 0;
};
