// counter — reference solution in standard C++: one std::mutex held across the whole
// read-sleep-write of update(), and around the read of value().
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

  int value() {
    std::lock_guard<std::mutex> lock(mutex_);
    return value_;
  }

 private:
  std::mutex mutex_;
  int value_ = 0;  // guarded by mutex_
};
