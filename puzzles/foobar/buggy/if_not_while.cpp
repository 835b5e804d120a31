// lab-expect: wrong-output
// Bug: `if` where a `while` belongs. Each thread checks its turn once and then waits; a
// wake-up is not a promise that the turn has changed (condition variables may wake
// spuriously), and the thread prints without checking again.
#include <functional>
#include <mutex>

#include "lab/sync.h"

class FooBar {
 public:
  FooBar(int n) : n_(n) {}

  void foo(std::function<void()> printFoo) {
    for (int i = 0; i < n_; ++i) {
      std::unique_lock lk(lock_);
      if (!foo_turn_.load()) turn_changed_.wait(lk);
      printFoo();
      foo_turn_.store(false);
      turn_changed_.notify_all();
    }
  }

  void bar(std::function<void()> printBar) {
    for (int i = 0; i < n_; ++i) {
      std::unique_lock lk(lock_);
      if (foo_turn_.load()) turn_changed_.wait(lk);
      printBar();
      foo_turn_.store(true);
      turn_changed_.notify_all();
    }
  }

 private:
  const int n_;
  lab::Mutex lock_{"lock"};
  lab::CondVar turn_changed_{"turn_changed"};
  lab::Shared<bool> foo_turn_{true, "foo_turn"};
};
