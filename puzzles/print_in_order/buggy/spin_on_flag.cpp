// lab-expect: data-race
// Bug: busy-waiting on a plain shared flag. second() and third() read `printed_` in a loop
// while another thread writes it, with no lock or signal between them: a data race (on a
// plain int in real C++, undefined behaviour; the loop may never see the write).
#include <functional>

#include "lab/sync.h"

class Foo {
 public:
  Foo() {}

  void first(std::function<void()> printFirst) {
    printFirst();
    printed_.store(1);
  }

  void second(std::function<void()> printSecond) {
    while (printed_.load() != 1) lab::yield();
    printSecond();
    printed_.store(2);
  }

  void third(std::function<void()> printThird) {
    while (printed_.load() != 2) lab::yield();
    printThird();
  }

 private:
  lab::Shared<int> printed_{0, "printed"};
};
