// lab-expect: unlock-not-owner
// Bug: the popular Python answer, translated. Two locks are acquired in the constructor
// and released by first() and second() to let the next step go. Python's threading.Lock
// may be released by any thread; lab::Mutex (like std::mutex) is owned: only the thread
// that locked it may unlock it. Signal with lab::Semaphore (0 permits) instead.
#include <functional>

#include "lab/sync.h"

class Foo {
 public:
  Foo() {
    first_done_.lock();
    second_done_.lock();
  }

  void first(std::function<void()> printFirst) {
    printFirst();
    first_done_.unlock();  // not the owner: the constructor's thread locked it
  }

  void second(std::function<void()> printSecond) {
    first_done_.lock();
    printSecond();
    second_done_.unlock();
  }

  void third(std::function<void()> printThird) {
    second_done_.lock();
    printThird();
  }

 private:
  lab::Mutex first_done_{"first_done"};
  lab::Mutex second_done_{"second_done"};
};
