// lab-expect: wrong-output
// Bug: a semaphore that starts open. The semaphore answer, one semaphore per thread that
// holds its turn, with odd's created with 1 permit instead of 0 ("odd goes first after
// zero"): odd may print 1 before zero has printed its first 0. Only zero's turn is open at
// the start.
#include <functional>
#include <semaphore>

class ZeroEvenOdd {
 private:
  int n;
  std::counting_semaphore<> zeroSem{1};
  std::counting_semaphore<> oddSem{1};  // should be 0: zero prints first
  std::counting_semaphore<> evenSem{0};

 public:
  ZeroEvenOdd(int n) { this->n = n; }

  void zero(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n; ++i) {
      zeroSem.acquire();
      printNumber(0);
      if (i % 2 == 1) {
        oddSem.release();
      } else {
        evenSem.release();
      }
    }
  }

  void even(std::function<void(int)> printNumber) {
    for (int i = 2; i <= n; i += 2) {
      evenSem.acquire();
      printNumber(i);
      zeroSem.release();
    }
  }

  void odd(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n; i += 2) {
      oddSem.acquire();
      printNumber(i);
      zeroSem.release();
    }
  }
};
