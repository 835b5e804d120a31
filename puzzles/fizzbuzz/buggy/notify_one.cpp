// lab-expect: stall
// Bug: a lost wake-up. After each item only ONE waiting thread is woken, and it may not be
// the one whose turn is next; it goes back to sleep, nobody else is woken, and all four
// threads end up waiting on the condition variable for ever.
#include <functional>
#include <mutex>

#include "lab/sync.h"

class FizzBuzz {
 public:
  FizzBuzz(int n) : n_(n) {}

  void fizz(std::function<void()> printFizz) {
    Loop([](int i) { return i % 3 == 0 && i % 5 != 0; }, [&](int) { printFizz(); });
  }
  void buzz(std::function<void()> printBuzz) {
    Loop([](int i) { return i % 5 == 0 && i % 3 != 0; }, [&](int) { printBuzz(); });
  }
  void fizzbuzz(std::function<void()> printFizzBuzz) {
    Loop([](int i) { return i % 15 == 0; }, [&](int) { printFizzBuzz(); });
  }
  void number(std::function<void(int)> printNumber) {
    Loop([](int i) { return i % 3 != 0 && i % 5 != 0; }, printNumber);
  }

 private:
  template <class Mine, class Print>
  void Loop(Mine mine, Print print) {
    std::unique_lock lk(lock_);
    while (true) {
      while (current_.load() <= n_ && !mine(current_.load())) turn_.wait(lk);
      const int i = current_.load();
      if (i > n_) {
        turn_.notify_one();
        return;
      }
      print(i);
      current_.store(i + 1);
      turn_.notify_one();  // should be notify_all: the next number may be anyone's
    }
  }

  const int n_;
  lab::Mutex lock_{"lock"};
  lab::CondVar turn_{"turn"};
  lab::Shared<int> current_{1, "current"};
};
