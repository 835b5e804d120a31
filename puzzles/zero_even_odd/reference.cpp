// Reference solution: three semaphores, one per thread, each holding "your turn" permits.
// zero starts with the turn; after each 0 it hands the turn to odd or even, and they hand
// it back. Semaphores are not owned, so any thread may release the next one's, and a
// release that comes before the acquire is remembered (no lost wake-up).
#include <functional>

#include "lab/sync.h"

class ZeroEvenOdd {
 public:
  ZeroEvenOdd(int n) : n_(n) {}

  // printNumber(x) outputs "x", where x is an integer.
  void zero(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n_; ++i) {
      zero_turn_.acquire();
      printNumber(0);
      (i % 2 == 1 ? odd_turn_ : even_turn_).release();
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
