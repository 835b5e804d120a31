// lab-expect: unlock-not-owner
// Bug: the popular two-mutex answer. `m2` is locked in the constructor, then each thread
// hands the turn over by unlocking the mutex the *other* thread locked. A std::mutex may
// be unlocked only by the thread that owns it; anything else is undefined behaviour in
// C++, however often it happens to work. Signal with two std::binary_semaphore (one
// starting at 1, one at 0) or with a condition variable and a flag.
#include <functional>
#include <mutex>

class FooBar {
 private:
  int n;
  std::mutex m1, m2;

 public:
  FooBar(int n) : n(n) { m2.lock(); }

  void foo(std::function<void()> printFoo) {
    for (int i = 0; i < n; i++) {
      m1.lock();
      printFoo();
      m2.unlock();  // BUG: locked by another thread
    }
  }

  void bar(std::function<void()> printBar) {
    for (int i = 0; i < n; i++) {
      m2.lock();
      printBar();
      m1.unlock();  // BUG: locked by the foo thread
    }
  }
};
