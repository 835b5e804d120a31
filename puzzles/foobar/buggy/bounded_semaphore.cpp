// lab-expect: semaphore-over-release stall
// Bug: lab::BoundedSemaphore where a plain semaphore belongs. A bounded semaphore may never
// hold more permits than it started with, so `bar_`, which starts with 0, can never be
// released: foo's first hand-off is an over-release (Python's BoundedSemaphore raises
// ValueError). The lab ignores that release, so bar() waits for ever and foo() then waits
// for a turn that never comes back: a stall.
#include <functional>

#include "lab/sync.h"

class FooBar {
 public:
  FooBar(int n) : n_(n) {}

  void foo(std::function<void()> printFoo) {
    for (int i = 0; i < n_; ++i) {
      foo_.acquire();
      printFoo();
      bar_.release();
    }
  }

  void bar(std::function<void()> printBar) {
    for (int i = 0; i < n_; ++i) {
      bar_.acquire();
      printBar();
      foo_.release();
    }
  }

 private:
  const int n_;
  lab::BoundedSemaphore foo_{1, "foo"};
  lab::BoundedSemaphore bar_{0, "bar"};
};
