// lab-expect: stall
// Bug: a lost wake-up. second() and third() wait on the same condition variable; first()
// wakes only one of them. When that is third(), it finds it is not its turn and waits
// again, second() is never woken, and both wait for ever.
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
    changed_.notify_one();  // should be notify_all: two threads may be waiting
  }

  void second(std::function<void()> printSecond) {
    std::unique_lock lk(lock_);
    changed_.wait(lk, [&] { return printed_.load() >= 1; });
    printSecond();
    printed_.store(2);
    changed_.notify_one();
  }

  void third(std::function<void()> printThird) {
    std::unique_lock lk(lock_);
    changed_.wait(lk, [&] { return printed_.load() >= 2; });
    printThird();
  }

 private:
  lab::Mutex lock_{"lock"};
  lab::CondVar changed_{"changed"};
  lab::Shared<int> printed_{0, "printed"};
};
