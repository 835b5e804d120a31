// Reference solution: one lock, one condition variable and a shared "whose turn" flag.
// Each thread waits (with the predicate overload, so in a loop) for its turn, prints,
// hands the turn over and wakes the other thread.
#include <functional>
#include <mutex>

#include "lab/sync.h"

class FooBar {
 public:
  FooBar(int n) : n_(n) {}

  void foo(std::function<void()> printFoo) {
    for (int i = 0; i < n_; ++i) {
      std::unique_lock lk(lock_);
      turn_changed_.wait(lk, [&] { return foo_turn_.load(); });
      printFoo();
      foo_turn_.store(false);
      turn_changed_.notify_all();
    }
  }

  void bar(std::function<void()> printBar) {
    for (int i = 0; i < n_; ++i) {
      std::unique_lock lk(lock_);
      turn_changed_.wait(lk, [&] { return !foo_turn_.load(); });
      printBar();
      foo_turn_.store(true);
      turn_changed_.notify_all();
    }
  }

 private:
  const int n_;
  lab::Mutex lock_{"lock"};
  lab::CondVar turn_changed_{"turn_changed"};
  lab::Shared<bool> foo_turn_{true, "foo_turn"};  // guarded by lock_
};
