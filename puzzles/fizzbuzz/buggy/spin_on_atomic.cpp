// lab-expect: livelock
// Bug: busy-waiting. `current_` is a lab::Atomic, so there is no data race and the output
// is right whenever the run finishes, but a waiting thread never blocks: it spins, asking
// again and again whether it is its turn. A scheduler that keeps running the spinners
// (as an OS under load may) starves the thread whose turn it is, and the program makes
// no progress. Block instead: a lab::CondVar (or one lab::Semaphore per thread).
#include <functional>

#include "lab/sync.h"

class FizzBuzz {
 public:
  FizzBuzz(int n) : n_(n) {}

  void fizz(std::function<void()> printFizz) {
    for (int i = 3; i <= n_; i += 3) {
      if (i % 5 == 0) continue;
      while (current_.load() != i) lab::yield();
      printFizz();
      current_.store(i + 1);
    }
  }

  void buzz(std::function<void()> printBuzz) {
    for (int i = 5; i <= n_; i += 5) {
      if (i % 3 == 0) continue;
      while (current_.load() != i) lab::yield();
      printBuzz();
      current_.store(i + 1);
    }
  }

  void fizzbuzz(std::function<void()> printFizzBuzz) {
    for (int i = 15; i <= n_; i += 15) {
      while (current_.load() != i) lab::yield();
      printFizzBuzz();
      current_.store(i + 1);
    }
  }

  void number(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n_; ++i) {
      if (i % 3 == 0 || i % 5 == 0) continue;
      while (current_.load() != i) lab::yield();
      printNumber(i);
      current_.store(i + 1);
    }
  }

 private:
  const int n_;
  lab::Atomic<int> current_{1, "current"};
};
