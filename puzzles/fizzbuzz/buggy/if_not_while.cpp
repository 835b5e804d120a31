// lab-expect: wrong-output
// Bug: `if` where a `while` belongs. A thread woken by notify_all (or spuriously) checks its
// turn only once, before waiting; after the wait it prints whether or not the next number
// is its own.
#include <functional>
#include <mutex>

#include "lab/sync.h"

class FizzBuzz {
 public:
  FizzBuzz(int n) : n_(n) {}

  void fizz(std::function<void()> printFizz) {
    while (true) {
      std::unique_lock lk(lock_);
      int i = current_.load();
      if (i <= n_ && !(i % 3 == 0 && i % 5 != 0)) turn_.wait(lk);
      i = current_.load();
      if (i > n_) return;
      printFizz();
      current_.store(i + 1);
      turn_.notify_all();
    }
  }

  void buzz(std::function<void()> printBuzz) {
    while (true) {
      std::unique_lock lk(lock_);
      int i = current_.load();
      if (i <= n_ && !(i % 5 == 0 && i % 3 != 0)) turn_.wait(lk);
      i = current_.load();
      if (i > n_) return;
      printBuzz();
      current_.store(i + 1);
      turn_.notify_all();
    }
  }

  void fizzbuzz(std::function<void()> printFizzBuzz) {
    while (true) {
      std::unique_lock lk(lock_);
      int i = current_.load();
      if (i <= n_ && i % 15 != 0) turn_.wait(lk);
      i = current_.load();
      if (i > n_) return;
      printFizzBuzz();
      current_.store(i + 1);
      turn_.notify_all();
    }
  }

  void number(std::function<void(int)> printNumber) {
    while (true) {
      std::unique_lock lk(lock_);
      int i = current_.load();
      if (i <= n_ && (i % 3 == 0 || i % 5 == 0)) turn_.wait(lk);
      i = current_.load();
      if (i > n_) return;
      printNumber(i);
      current_.store(i + 1);
      turn_.notify_all();
    }
  }

 private:
  const int n_;
  lab::Mutex lock_{"lock"};
  lab::CondVar turn_{"turn"};
  lab::Shared<int> current_{1, "current"};
};
