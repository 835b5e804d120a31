// Reference solution: one lock, one condition variable, one shared "next number".
// Each thread waits (in a while loop, via the predicate overload) until the next number is
// one it must print or the sequence is over, prints it, advances and wakes everyone: the
// next number may belong to any of the other three threads, so notify_all, not notify_one.
#include <functional>
#include <mutex>

#include "lab/sync.h"

class FizzBuzz {
 public:
  FizzBuzz(int n) : n_(n) {}

  // printFizz() outputs "fizz".
  void fizz(std::function<void()> printFizz) {
    Run([](int i) { return i % 3 == 0 && i % 5 != 0; }, [&](int) { printFizz(); });
  }
  // printBuzz() outputs "buzz".
  void buzz(std::function<void()> printBuzz) {
    Run([](int i) { return i % 3 != 0 && i % 5 == 0; }, [&](int) { printBuzz(); });
  }
  // printFizzBuzz() outputs "fizzbuzz".
  void fizzbuzz(std::function<void()> printFizzBuzz) {
    Run([](int i) { return i % 15 == 0; }, [&](int) { printFizzBuzz(); });
  }
  // printNumber(x) outputs "x", where x is an integer.
  void number(std::function<void(int)> printNumber) {
    Run([](int i) { return i % 3 != 0 && i % 5 != 0; }, printNumber);
  }

 private:
  // Prints every number of 1..n that `mine` accepts, in turn with the other threads.
  template <class Mine, class Print>
  void Run(Mine mine, Print print) {
    std::unique_lock lk(lock_);
    while (true) {
      turn_.wait(lk, [&] { return current_.load() > n_ || mine(current_.load()); });
      const int i = current_.load();
      if (i > n_) return;
      print(i);
      current_.store(i + 1);
      turn_.notify_all();
    }
  }

  const int n_;
  lab::Mutex lock_{"lock"};
  lab::CondVar turn_{"turn"};
  lab::Shared<int> current_{1, "current"};  // the next number to print; guarded by lock_
};
