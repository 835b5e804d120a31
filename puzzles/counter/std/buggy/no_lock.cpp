// lab-expect: data-race wrong-output
// Bug: no lock at all. Two threads read the same value, both sleep, both write value + 1:
// one update is lost, and every read and write of the plain int races with the others.
#include <chrono>
#include <string>
#include <thread>

class FakeDatabase {
 public:
  FakeDatabase() {}

  void update(std::string name) {
    (void)name;
    int local = value_;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    value_ = local + 1;
  }

  int value() { return value_; }

 private:
  int value_ = 0;
};
