// lab-expect: wrong-output
// Bug: "make it std::atomic and the race is gone". There is no data race any more (every
// access is atomic), but the read-modify-write still is three steps: two threads load the
// same value, both sleep, both store value + 1, and one update is lost. Atomicity of each
// access is not atomicity of the update: hold a std::mutex across the read, the sleep and
// the write (or, without the sleep, use value_.fetch_add(1)).
#include <atomic>
#include <chrono>
#include <string>
#include <thread>

class FakeDatabase {
 public:
  FakeDatabase() {}

  void update(std::string name) {
    (void)name;
    int local = value_.load();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    value_.store(local + 1);
  }

  int value() { return value_.load(); }

 private:
  std::atomic<int> value_{0};
};
