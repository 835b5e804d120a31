// lab-expect: data-race wrong-output
// Bug: only the write is locked ("the write is what changes the value"). The read happens
// outside the lock, so two threads read the same value, sleep, and both write value + 1:
// one update is lost, and the unlocked read races with the other thread's write.
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

class FakeDatabase {
 public:
  FakeDatabase() {}

  void update(std::string name) {
    (void)name;
    int local = value_;  // BUG: read without the lock
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::lock_guard<std::mutex> lock(mutex_);
    value_ = local + 1;
  }

  int value() {
    std::lock_guard<std::mutex> lock(mutex_);
    return value_;
  }

 private:
  std::mutex mutex_;
  int value_ = 0;
};
