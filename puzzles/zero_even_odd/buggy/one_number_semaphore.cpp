// lab-expect: wrong-output
// Bug: one signal for two different threads. After each 0 the zero thread releases one
// semaphore that odd and even both wait on, meaning "a number may be printed now"; but
// whichever of the two takes the permit prints, so even can print 2 where 1 belongs.
// Give odd and even a semaphore each and release the one whose number is next.
#include <functional>

#include "lab/sync.h"

class ZeroEvenOdd {
 public:
  ZeroEvenOdd(int n) : n_(n) {}

  void zero(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n_; ++i) {
      zero_turn_.acquire();
      printNumber(0);
      number_turn_.release();
    }
  }

  void even(std::function<void(int)> printNumber) {
    for (int i = 2; i <= n_; i += 2) {
      number_turn_.acquire();
      printNumber(i);
      zero_turn_.release();
    }
  }

  void odd(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n_; i += 2) {
      number_turn_.acquire();
      printNumber(i);
      zero_turn_.release();
    }
  }

 private:
  const int n_;
  lab::Semaphore zero_turn_{1, "zero_turn"};
  lab::Semaphore number_turn_{0, "number_turn"};
};
