// lab-expect: stall
// Bug: the wait forgets that the sequence ends. Each thread waits until the next number is
// its own, but once the last number is printed no number ever will be again: the threads
// that have nothing left to print wait for ever.
#include <functional>
#include <mutex>

#include "lab/sync.h"

class FizzBuzz {
 public:
  FizzBuzz(int n) : n_(n) {}

  void fizz(std::function<void()> printFizz) {
    std::unique_lock lk(lock_);
    while (current_.load() <= n_) {
      turn_.wait(lk, [&] { return current_.load() % 3 == 0 && current_.load() % 5 != 0; });
      printFizz();
      current_ += 1;
      turn_.notify_all();
    }
  }

  void buzz(std::function<void()> printBuzz) {
    std::unique_lock lk(lock_);
    while (current_.load() <= n_) {
      turn_.wait(lk, [&] { return current_.load() % 5 == 0 && current_.load() % 3 != 0; });
      printBuzz();
      current_ += 1;
      turn_.notify_all();
    }
  }

  void fizzbuzz(std::function<void()> printFizzBuzz) {
    std::unique_lock lk(lock_);
    while (current_.load() <= n_) {
      turn_.wait(lk, [&] { return current_.load() % 15 == 0; });
      printFizzBuzz();
      current_ += 1;
      turn_.notify_all();
    }
  }

  void number(std::function<void(int)> printNumber) {
    std::unique_lock lk(lock_);
    while (current_.load() <= n_) {
      turn_.wait(lk, [&] { return current_.load() % 3 != 0 && current_.load() % 5 != 0; });
      printNumber(current_.load());
      current_ += 1;
      turn_.notify_all();
    }
  }

 private:
  const int n_;
  lab::Mutex lock_{"lock"};
  lab::CondVar turn_{"turn"};
  lab::Shared<int> current_{1, "current"};
};
