// lab-expect: wrong-output
// Bug: `if` where a `while` belongs. Every thread is woken by each notify_all (and a
// condition variable may also wake spuriously); a thread that checked its turn only before
// waiting then prints out of turn.
#include <functional>
#include <mutex>

#include "lab/sync.h"

class ZeroEvenOdd {
 public:
  ZeroEvenOdd(int n) : n_(n) {}

  void zero(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n_; ++i) {
      std::unique_lock lk(lock_);
      if (!zero_turn_.load()) turn_changed_.wait(lk);
      printNumber(0);
      zero_turn_.store(false);
      turn_changed_.notify_all();
    }
  }

  void even(std::function<void(int)> printNumber) {
    for (int i = 2; i <= n_; i += 2) {
      std::unique_lock lk(lock_);
      if (zero_turn_.load() || next_.load() != i) turn_changed_.wait(lk);
      printNumber(i);
      next_.store(i + 1);
      zero_turn_.store(true);
      turn_changed_.notify_all();
    }
  }

  void odd(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n_; i += 2) {
      std::unique_lock lk(lock_);
      if (zero_turn_.load() || next_.load() != i) turn_changed_.wait(lk);
      printNumber(i);
      next_.store(i + 1);
      zero_turn_.store(true);
      turn_changed_.notify_all();
    }
  }

 private:
  const int n_;
  lab::Mutex lock_{"lock"};
  lab::CondVar turn_changed_{"turn_changed"};
  lab::Shared<bool> zero_turn_{true, "zero_turn"};
  lab::Shared<int> next_{1, "next"};
};
