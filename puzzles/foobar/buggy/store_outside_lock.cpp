// lab-expect: data-race
// Bug: the lock is released too early. To "print outside the critical section", each
// thread unlocks after its wait and then hands over the turn without the lock: that write
// to `foo_turn_` races with the other thread's read under the lock (and a notify sent
// between the other thread's check and its wait can be lost).
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
      lk.unlock();
      printFoo();
      foo_turn_.store(false);  // without the lock
      turn_changed_.notify_all();
    }
  }

  void bar(std::function<void()> printBar) {
    for (int i = 0; i < n_; ++i) {
      std::unique_lock lk(lock_);
      turn_changed_.wait(lk, [&] { return !foo_turn_.load(); });
      lk.unlock();
      printBar();
      foo_turn_.store(true);  // without the lock
      turn_changed_.notify_all();
    }
  }

 private:
  const int n_;
  lab::Mutex lock_{"lock"};
  lab::CondVar turn_changed_{"turn_changed"};
  lab::Shared<bool> foo_turn_{true, "foo_turn"};
};
