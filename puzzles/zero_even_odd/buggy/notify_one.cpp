// lab-expect: stall
// Bug: a lost wake-up. After a 0, both odd and even may be waiting on the condition
// variable, and zero wakes only one of them. When it wakes the wrong one, that thread
// waits again, the right one is never woken, and all three wait for ever.
#include <functional>
#include <mutex>

#include "lab/sync.h"

class ZeroEvenOdd {
 public:
  ZeroEvenOdd(int n) : n_(n) {}

  void zero(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n_; ++i) {
      std::unique_lock lk(lock_);
      turn_changed_.wait(lk, [&] { return zero_turn_.load(); });
      printNumber(0);
      zero_turn_.store(false);
      turn_changed_.notify_one();  // should be notify_all: odd and even may both wait
    }
  }

  void even(std::function<void(int)> printNumber) {
    for (int i = 2; i <= n_; i += 2) {
      std::unique_lock lk(lock_);
      turn_changed_.wait(lk, [&] { return !zero_turn_.load() && next_.load() == i; });
      printNumber(i);
      next_.store(i + 1);
      zero_turn_.store(true);
      turn_changed_.notify_one();
    }
  }

  void odd(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n_; i += 2) {
      std::unique_lock lk(lock_);
      turn_changed_.wait(lk, [&] { return !zero_turn_.load() && next_.load() == i; });
      printNumber(i);
      next_.store(i + 1);
      zero_turn_.store(true);
      turn_changed_.notify_one();
    }
  }

 private:
  const int n_;
  lab::Mutex lock_{"lock"};
  lab::CondVar turn_changed_{"turn_changed"};
  lab::Shared<bool> zero_turn_{true, "zero_turn"};
  lab::Shared<int> next_{1, "next"};
};
