// lab-expect: data-race wrong-output
// Bug: the std::mutex is a local variable, so every call makes its own fresh mutex and no
// two threads ever share one (the C++ twin of Python's `with threading.Lock():`). It
// excludes nothing: updates are lost and the accesses race.
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

class FakeDatabase {
 public:
  FakeDatabase() {}

  void update(std::string name) {
    (void)name;
    std::mutex m;  // BUG: a new mutex per call
    std::lock_guard<std::mutex> lock(m);
    int local = value_;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    value_ = local + 1;
  }

  int value() { return value_; }

 private:
  int value_ = 0;
};
