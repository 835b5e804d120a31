// lab-expect: wrong-output
// Bug: `if` where a `while` belongs. third() checks once whether second() has printed and
// then waits; but the notify_all after first() wakes third() too (and a condition variable
// may also wake spuriously), and third() then prints without checking again.
#include <functional>
#include <mutex>

#include "lab/sync.h"

class Foo {
 public:
  Foo() {}

  void first(std::function<void()> printFirst) {
    std::unique_lock lk(lock_);
    printFirst();
    printed_.store(1);
    changed_.notify_all();
  }

  void second(std::function<void()> printSecond) {
    std::unique_lock lk(lock_);
    if (printed_.load() < 1) changed_.wait(lk);
    printSecond();
    printed_.store(2);
    changed_.notify_all();
  }

  void third(std::function<void()> printThird) {
    std::unique_lock lk(lock_);
    if (printed_.load() < 2) changed_.wait(lk);
    printThird();
  }

 private:
  lab::Mutex lock_{"lock"};
  lab::CondVar changed_{"changed"};
  lab::Shared<int> printed_{0, "printed"};
};
