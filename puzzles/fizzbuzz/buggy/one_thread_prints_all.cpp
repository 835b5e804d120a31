// lab-expect: wrong-output
// The bug: the number thread collects the other threads' callbacks and prints everything
// itself. The text is right, but "fizz" must come from the fizz thread: each thread is a
// worker that owns its kind of item, as in the LeetCode statement.
#include <functional>

#include "lab/sync.h"

class FizzBuzz {
 public:
  FizzBuzz(int n) : n_(n) {}

  void fizz(std::function<void()> printFizz) { Register(fizz_, std::move(printFizz)); }
  void buzz(std::function<void()> printBuzz) { Register(buzz_, std::move(printBuzz)); }
  void fizzbuzz(std::function<void()> printFizzBuzz) {
    Register(fizzbuzz_, std::move(printFizzBuzz));
  }

  void number(std::function<void(int)> printNumber) {
    std::unique_lock lk(m_);
    cv_.wait(lk, [&] { return registered_.load() == 3; });
    for (int i = 1; i <= n_; ++i) {
      if (i % 15 == 0) fizzbuzz_();
      else if (i % 3 == 0) fizz_();
      else if (i % 5 == 0) buzz_();
      else printNumber(i);
    }
    done_.store(true);
    cv_.notify_all();
  }

 private:
  void Register(std::function<void()>& slot, std::function<void()> f) {
    std::unique_lock lk(m_);
    slot = std::move(f);
    registered_ += 1;
    cv_.notify_all();
    cv_.wait(lk, [&] { return done_.load(); });
  }

  int n_;
  lab::Mutex m_{"m"};
  lab::CondVar cv_{"cv"};
  lab::Shared<int> registered_{0, "registered"};
  lab::Shared<bool> done_{false, "done"};
  std::function<void()> fizz_, buzz_, fizzbuzz_;
};
