// counter — starter in standard C++. Copy it (`lab new counter --std`), then make
// update() safe.
//
// This is the lecture's FakeDatabase: update() reads the value, "talks to the database"
// for 0.1 s, then writes value + 1. As given, nothing is locked: concurrent updates read
// the same value and one of them is lost, and `lab check` shows the interleaving (the lab
// checks every access to the plain int `value_`, so an unlocked one is a data race).
// Keep the class signature exactly.
#include <chrono>
#include <string>
#include <thread>

class FakeDatabase {
 public:
  FakeDatabase() {}

  // Adds one to the value, the slow way.
  void update(std::string name) {
    (void)name;  // the lecture prints it; here the thread names tell who is who
    // TODO: which lines must run without another thread's update in between?
    int local = value_;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    value_ = local + 1;
  }

  // The current value.
  int value() { return value_; }

 private:
  // TODO: a std::mutex.
  int value_ = 0;
};
