// lab-expect: data-race
// Bug: busy-waiting on a plain shared variable with no lock. The threads read `current_`
// while another thread writes it, and nothing orders those accesses: a data race (in
// real C++ on a plain int, undefined behaviour; the spin also burns a core).
#include <functional>

#include "lab/sync.h"

class FizzBuzz {
 public:
  FizzBuzz(int n) : n_(n) {}

  void fizz(std::function<void()> printFizz) {
    for (int i = 3; i <= n_; i += 3) {
      if (i % 5 == 0) continue;
      while (current_.load() != i) lab::yield();
      printFizz();
      current_.store(i + 1);
    }
  }

  void buzz(std::function<void()> printBuzz) {
    for (int i = 5; i <= n_; i += 5) {
      if (i % 3 == 0) continue;
      while (current_.load() != i) lab::yield();
      printBuzz();
      current_.store(i + 1);
    }
  }

  void fizzbuzz(std::function<void()> printFizzBuzz) {
    for (int i = 15; i <= n_; i += 15) {
      while (current_.load() != i) lab::yield();
      printFizzBuzz();
      current_.store(i + 1);
    }
  }

  void number(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n_; ++i) {
      if (i % 3 == 0 || i % 5 == 0) continue;
      while (current_.load() != i) lab::yield();
      printNumber(i);
      current_.store(i + 1);
    }
  }

 private:
  const int n_;
  lab::Shared<int> current_{1, "current"};  // read and written with no lock
};
