// lab-expect: self-deadlock
// Bug: a non-reentrant lock taken again in a nested call. Each thread holds `lock_` while
// it calls HandBack(), and HandBack() locks `lock_` itself: a lab::Mutex (like std::mutex)
// is not reentrant, so the thread waits for itself for ever. Either call the helper with
// the lock already held (and make that its documented precondition), or use lab::RLock.
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
    for (int i = 2; i <= n_; i += 2) {
      std::unique_lock lk(lock_);
      turn_changed_.wait(lk, [&] { return !zero_turn_.load() && next_.load() == i; });
      printNumber(i);
      HandBack(i + 1);
    }
  }

  void odd(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n_; i += 2) {
      std::unique_lock lk(lock_);
      turn_changed_.wait(lk, [&] { return !zero_turn_.load() && next_.load() == i; });
      printNumber(i);
      HandBack(i + 1);
    }
  }

 private:
  // Gives the turn back to zero; `next` is the number that follows the next 0.
  void HandBack(int next) {
    std::lock_guard g(lock_);  // already held by the caller
    next_.store(next);
    zero_turn_.store(true);
    turn_changed_.notify_all();
  }

  const int n_;
  lab::Mutex lock_{"lock"};
  lab::CondVar turn_changed_{"turn_changed"};
  lab::Shared<bool> zero_turn_{true, "zero_turn"};
  lab::Shared<int> next_{1, "next"};
};
