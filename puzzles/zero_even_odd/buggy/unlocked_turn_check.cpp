// lab-expect: data-race
// Bug: a "fast path" that reads the shared state without the lock. odd() and even() first
// look at `zero_turn_` and `next_` unlocked, to skip the lock when it is surely not their
// turn; those reads race with the writes the other threads make under the lock.
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
      turn_changed_.notify_all();
    }
  }

  void even(std::function<void(int)> printNumber) {
    for (int i = 2; i <= n_; i += 2) Take(i, printNumber);
  }

  void odd(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n_; i += 2) Take(i, printNumber);
  }

 private:
  // Waits until `i` is next after a 0, prints it and gives the turn back to zero.
  void Take(int i, const std::function<void(int)>& printNumber) {
    while (zero_turn_.load() || next_.load() != i) lab::yield();  // unlocked fast path
    std::unique_lock lk(lock_);
    turn_changed_.wait(lk, [&] { return !zero_turn_.load() && next_.load() == i; });
    printNumber(i);
    next_.store(i + 1);
    zero_turn_.store(true);
    turn_changed_.notify_all();
  }

  const int n_;
  lab::Mutex lock_{"lock"};
  lab::CondVar turn_changed_{"turn_changed"};
  lab::Shared<bool> zero_turn_{true, "zero_turn"};
  lab::Shared<int> next_{1, "next"};
};
