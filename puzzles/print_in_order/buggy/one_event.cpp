// lab-expect: wrong-output
// Bug: one signal for two different hand-offs. first() sets the event, and that lets
// third() through as well as second(): third() can print before second() has.
#include <functional>

#include "lab/sync.h"

class Foo {
 public:
  Foo() {}

  void first(std::function<void()> printFirst) {
    printFirst();
    go_.set();
  }

  void second(std::function<void()> printSecond) {
    go_.wait();
    printSecond();
    go_.set();
  }

  void third(std::function<void()> printThird) {
    go_.wait();
    printThird();
  }

 private:
  lab::Event go_{"go"};
};
