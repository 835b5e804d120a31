// lab-expect: stall
// Bug: a lost wake-up. Each thread waits for "the other thread's notify" without first
// looking at any shared state. A notify_all with nobody waiting is lost: when foo prints
// and notifies before bar has started waiting, bar then waits for a signal that was
// already sent, while foo waits for bar. Wait for a condition on shared state, in a loop.
#include <functional>
#include <mutex>

#include "lab/sync.h"

class FooBar {
 public:
  FooBar(int n) : n_(n) {}

  void foo(std::function<void()> printFoo) {
    std::unique_lock lk(lock_);
    for (int i = 0; i < n_; ++i) {
      printFoo();
      turn_changed_.notify_all();
      turn_changed_.wait(lk);  // until bar has printed
    }
  }

  void bar(std::function<void()> printBar) {
    std::unique_lock lk(lock_);
    for (int i = 0; i < n_; ++i) {
      turn_changed_.wait(lk);  // until foo has printed
      printBar();
      turn_changed_.notify_all();
    }
  }

 private:
  const int n_;
  lab::Mutex lock_{"lock"};
  lab::CondVar turn_changed_{"turn_changed"};
};
