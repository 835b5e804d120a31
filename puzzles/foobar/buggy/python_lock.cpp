// lab-expect: unlock-not-owner
// Bug: the Python answer with two Locks, translated. bar_ is acquired in the constructor,
// then each thread releases the other's lock to hand over the turn. Python's
// threading.Lock allows a release from any thread; lab::Mutex (like std::mutex) is owned,
// and only the thread that locked it may unlock it. Use two lab::Semaphore instead.
#include <functional>

#include "lab/sync.h"

class FooBar {
 public:
  FooBar(int n) : n_(n) { bar_.lock(); }

  void foo(std::function<void()> printFoo) {
    for (int i = 0; i < n_; ++i) {
      foo_.lock();
      printFoo();
      bar_.unlock();  // locked by another thread
    }
  }

  void bar(std::function<void()> printBar) {
    for (int i = 0; i < n_; ++i) {
      bar_.lock();
      printBar();
      foo_.unlock();  // locked by the foo thread
    }
  }

 private:
  const int n_;
  lab::Mutex foo_{"foo"};
  lab::Mutex bar_{"bar"};
};
