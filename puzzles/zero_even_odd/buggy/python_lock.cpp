// lab-expect: unlock-not-owner
// Bug: three Python-style Locks used as signals. odd_ and even_ are acquired in the
// constructor and then released by the zero thread, and zero_ is released by odd and even.
// Python's threading.Lock may be released by any thread; lab::Mutex (like std::mutex) is
// owned, and only the thread that locked it may unlock it. Use lab::Semaphore.
#include <functional>

#include "lab/sync.h"

class ZeroEvenOdd {
 public:
  ZeroEvenOdd(int n) : n_(n) {
    odd_.lock();
    even_.lock();
  }

  void zero(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n_; ++i) {
      zero_.lock();
      printNumber(0);
      if (i % 2 == 1) {
        odd_.unlock();
      } else {
        even_.unlock();
      }
    }
  }

  void even(std::function<void(int)> printNumber) {
    for (int i = 2; i <= n_; i += 2) {
      even_.lock();
      printNumber(i);
      zero_.unlock();
    }
  }

  void odd(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n_; i += 2) {
      odd_.lock();
      printNumber(i);
      zero_.unlock();
    }
  }

 private:
  const int n_;
  lab::Mutex zero_{"zero"}, odd_{"odd"}, even_{"even"};
};
