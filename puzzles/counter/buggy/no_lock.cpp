// lab-expect: data-race wrong-output
#include <chrono>
#include <string>

#include "lab/sync.h"

class FakeDatabase {
 public:
  FakeDatabase() {}
  void update(std::string name) {
    (void)name;
    int local = value_.load();
    lab::sleep_for(std::chrono::milliseconds(100));
    value_.store(local + 1);
  }
  int value() { return value_.load(); }

 private:
  lab::Shared<int> value_{0, "value"};
};
