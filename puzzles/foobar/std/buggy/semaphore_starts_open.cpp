// lab-expect: wrong-output
// Bug: the two-semaphore answer with both semaphores starting open. `barSem` should start
// at 0 (bar waits for the first foo) but starts at 1, so whichever thread runs first
// prints first: "barfoo..." when bar wins the race. A semaphore's initial count is a
// promise about who may go first.
#include <functional>
#include <semaphore>

class FooBar {
 private:
  int n;
  std::binary_semaphore fooSem{1};
  std::binary_semaphore barSem{1};  // BUG: should start at 0

 public:
  FooBar(int n) : n(n) {}

  void foo(std::function<void()> printFoo) {
    for (int i = 0; i < n; i++) {
      fooSem.acquire();
      printFoo();
      barSem.release();
    }
  }

  void bar(std::function<void()> printBar) {
    for (int i = 0; i < n; i++) {
      barSem.acquire();
      printBar();
      fooSem.release();
    }
  }
};
