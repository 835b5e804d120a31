// lab-expect: data-race
// Bug: the loop condition reads `current_` before taking the lock. Everything else is
// done under the lock, but that one read is unordered with the other threads' writes:
// a data race (and the value it reads may already be stale).
#include <functional>
#include <mutex>

#include "lab/sync.h"

class FizzBuzz {
 public:
  FizzBuzz(int n) : n_(n) {}

  void fizz(std::function<void()> printFizz) {
    while (current_.load() <= n_) {  // read without the lock
      std::unique_lock lk(lock_);
      turn_.wait(lk, [&] {
        const int i = current_.load();
        return i > n_ || (i % 3 == 0 && i % 5 != 0);
      });
      if (current_.load() > n_) break;
      printFizz();
      current_ += 1;
      turn_.notify_all();
    }
  }

  void buzz(std::function<void()> printBuzz) {
    while (current_.load() <= n_) {
      std::unique_lock lk(lock_);
      turn_.wait(lk, [&] {
        const int i = current_.load();
        return i > n_ || (i % 5 == 0 && i % 3 != 0);
      });
      if (current_.load() > n_) break;
      printBuzz();
      current_ += 1;
      turn_.notify_all();
    }
  }

  void fizzbuzz(std::function<void()> printFizzBuzz) {
    while (current_.load() <= n_) {
      std::unique_lock lk(lock_);
      turn_.wait(lk, [&] {
        return current_.load() > n_ || current_.load() % 15 == 0;
      });
      if (current_.load() > n_) break;
      printFizzBuzz();
      current_ += 1;
      turn_.notify_all();
    }
  }

  void number(std::function<void(int)> printNumber) {
    while (current_.load() <= n_) {
      std::unique_lock lk(lock_);
      turn_.wait(lk, [&] {
        const int i = current_.load();
        return i > n_ || (i % 3 != 0 && i % 5 != 0);
      });
      if (current_.load() > n_) break;
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
