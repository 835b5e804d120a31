// lab-expect: unlock-not-owner
// Bug: the Python habit of signalling with a Lock. The number thread drives the sequence
// and hands each fizz/buzz/fizzbuzz item over by releasing a lock that was acquired in the
// constructor (by another thread); the printing thread then releases `done_` the same
// way. Python's threading.Lock allows that; lab::Mutex (like std::mutex) is owned, and only
// the thread that locked it may unlock it. Signal with lab::Semaphore instead.
#include <functional>

#include "lab/sync.h"

class FizzBuzz {
 public:
  FizzBuzz(int n) : n_(n) {
    fizz_.lock();
    buzz_.lock();
    fizzbuzz_.lock();
    done_.lock();
  }

  void fizz(std::function<void()> printFizz) {
    for (int i = 3; i <= n_; i += 3) {
      if (i % 5 == 0) continue;
      fizz_.lock();  // wait for the number thread's go
      printFizz();
      done_.unlock();
    }
  }

  void buzz(std::function<void()> printBuzz) {
    for (int i = 5; i <= n_; i += 5) {
      if (i % 3 == 0) continue;
      buzz_.lock();
      printBuzz();
      done_.unlock();
    }
  }

  void fizzbuzz(std::function<void()> printFizzBuzz) {
    for (int i = 15; i <= n_; i += 15) {
      fizzbuzz_.lock();
      printFizzBuzz();
      done_.unlock();
    }
  }

  void number(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n_; ++i) {
      if (i % 15 == 0) {
        fizzbuzz_.unlock();
      } else if (i % 3 == 0) {
        fizz_.unlock();
      } else if (i % 5 == 0) {
        buzz_.unlock();
      } else {
        printNumber(i);
        continue;
      }
      done_.lock();  // wait until the item is printed
    }
  }

 private:
  const int n_;
  lab::Mutex fizz_{"fizz"}, buzz_{"buzz"}, fizzbuzz_{"fizzbuzz"}, done_{"done"};
};
