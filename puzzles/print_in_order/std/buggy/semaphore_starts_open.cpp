// lab-expect: wrong-output
// Bug: a semaphore that starts open. The semaphore answer is right in shape (one
// semaphore per hand-off, released by the step that has printed), but the first one is
// created with 1 permit, so second() may take it before first() has printed. A semaphore
// used as a "done" signal starts at 0.
#include <functional>
#include <semaphore>

class Foo {
  std::counting_semaphore<> firstDone{1};  // should be 0: nothing has printed yet
  std::counting_semaphore<> secondDone{0};

 public:
  Foo() {}

  void first(std::function<void()> printFirst) {
    printFirst();
    firstDone.release();
  }

  void second(std::function<void()> printSecond) {
    firstDone.acquire();
    printSecond();
    secondDone.release();
  }

  void third(std::function<void()> printThird) {
    secondDone.acquire();
    printThird();
  }
};
