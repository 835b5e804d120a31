// Reference solution: two semaphores, each a one-shot signal "this step has printed".
// A semaphore is not owned, so the thread that prints may release it and another thread
// may acquire it; a release before the acquire is remembered (no lost wake-up).
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
  lab::Semaphore first_done_{0, "first_done"};
  lab::Semaphore second_done_{0, "second_done"};
};
