// lab-expect: stall
// Bug: the hand-off ignores parity. After every 0 the zero thread releases odd's
// semaphore, so odd prints 1 and then 3 where 2 belongs, and even's semaphore is never
// released: once odd and zero are done, even waits for ever (a stall, which ends the
// run before the output can be compared).
#include <functional>

#include "lab/sync.h"

class ZeroEvenOdd {
 public:
  ZeroEvenOdd(int n) : n_(n) {}

  void zero(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n_; ++i) {
      zero_turn_.acquire();
      printNumber(0);
      odd_turn_.release();  // should be odd's turn only when i is odd
    }
  }

  void even(std::function<void(int)> printNumber) {
    for (int i = 2; i <= n_; i += 2) {
      even_turn_.acquire();
      printNumber(i);
      zero_turn_.release();
    }
  }

  void odd(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n_; i += 2) {
      odd_turn_.acquire();
      printNumber(i);
      zero_turn_.release();
    }
  }

 private:
  const int n_;
  lab::Semaphore zero_turn_{1, "zero_turn"};
  lab::Semaphore odd_turn_{0, "odd_turn"};
  lab::Semaphore even_turn_{0, "even_turn"};
};
