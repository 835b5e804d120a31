// lab-expect: unlock-not-owner
// Bug: std::mutex used as a signal, a common LeetCode answer. The constructor locks one
// mutex per printing thread; the number thread drives the sequence and "hands over" each
// fizz/buzz/fizzbuzz by unlocking that thread's mutex, and the printer hands back by
// unlocking `num`, which the number thread locked. A std::mutex may be unlocked only by the
// thread that locked it: anything else is undefined behaviour in C++ (it "works" on one
// machine and not on the next). Signal with std::counting_semaphore or a condition variable.
#include <functional>
#include <mutex>

class FizzBuzz {
 private:
  int n;
  std::mutex fz, bz, fbz, num;

 public:
  FizzBuzz(int n) : n(n) {
    fz.lock();
    bz.lock();
    fbz.lock();
  }

  void fizz(std::function<void()> printFizz) {
    for (int i = 3; i <= n; i += 3) {
      if (i % 5 == 0) continue;
      fz.lock();  // wait for the number thread's go
      printFizz();
      num.unlock();  // BUG: locked by the number thread
    }
  }

  void buzz(std::function<void()> printBuzz) {
    for (int i = 5; i <= n; i += 5) {
      if (i % 3 == 0) continue;
      bz.lock();
      printBuzz();
      num.unlock();
    }
  }

  void fizzbuzz(std::function<void()> printFizzBuzz) {
    for (int i = 15; i <= n; i += 15) {
      fbz.lock();
      printFizzBuzz();
      num.unlock();
    }
  }

  void number(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n; ++i) {
      num.lock();
      if (i % 15 == 0) {
        fbz.unlock();  // BUG: locked by the constructor's thread
      } else if (i % 3 == 0) {
        fz.unlock();
      } else if (i % 5 == 0) {
        bz.unlock();
      } else {
        printNumber(i);
        num.unlock();
      }
    }
  }
};
