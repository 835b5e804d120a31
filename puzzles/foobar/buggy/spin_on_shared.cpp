// lab-expect: data-race
// Bug: busy-waiting on a shared flag with no lock. Each thread spins reading `foo_turn_`
// while the other writes it, and nothing orders those accesses: a data race (on a plain
// bool in real C++, undefined behaviour; the compiler may even hoist the read out of the
// loop so it spins for ever).
#include <functional>

#include "lab/sync.h"

class FooBar {
 public:
  FooBar(int n) : n_(n) {}

  void foo(std::function<void()> printFoo) {
    for (int i = 0; i < n_; ++i) {
      while (!foo_turn_.load()) lab::yield();
      printFoo();
      foo_turn_.store(false);
    }
  }

  void bar(std::function<void()> printBar) {
    for (int i = 0; i < n_; ++i) {
      while (foo_turn_.load()) lab::yield();
      printBar();
      foo_turn_.store(true);
    }
  }

 private:
  const int n_;
  lab::Shared<bool> foo_turn_{true, "foo_turn"};
};
