// lab-expect: semaphore-over-release stall
// Bug: a BoundedSemaphore used as a signal. A bounded semaphore may never hold more
// permits than it started with, and these start with 0: the very first release() is an
// over-release (Python's BoundedSemaphore raises ValueError here). A signal between threads
// is a plain lab::Semaphore starting at 0. (The lab ignores the over-release, as Python
// raises, so second() then waits for ever: a stall.)
#include <functional>

#include "lab/sync.h"

class Foo {
 public:
  Foo() {}

  void first(std::function<void()> printFirst) {
    printFirst();
    first_done_.release();
  }

  void second(std::function<void()> printSecond) {
    first_done_.acquire();
    printSecond();
    second_done_.release();
  }

  void third(std::function<void()> printThird) {
    second_done_.acquire();
    printThird();
  }

 private:
  lab::BoundedSemaphore first_done_{0, "first_done"};
  lab::BoundedSemaphore second_done_{0, "second_done"};
};
