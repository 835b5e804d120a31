// Print in order (LC 1114). Copy with `lab new print_in_order`, then check with
// `lab check print_in_order print_in_order.cpp`.
//
// The same Foo object is shared by three threads: one calls first(), one second(), one
// third(). Whatever order the threads start in, the output must be "firstsecondthird".
// As written, each method prints at once, so the output follows the threads' luck.
//
// TODO: make second() wait until first() has printed, and third() until second() has.
// Either signal with a lab::Semaphore per step (created with 0 permits), or keep the
// progress in `printed_` (a lab::Shared, so an access without the lock shows as a data
// race), guard it with a lab::Mutex and wait on a lab::CondVar in a `while` loop.
#include <functional>
#include <mutex>

#include "lab/sync.h"

class Foo {
 public:
  Foo() {}

  // printFirst() outputs "first".
  void first(std::function<void()> printFirst) {
    printFirst();
    // TODO: tell second() that it may go
  }

  // printSecond() outputs "second".
  void second(std::function<void()> printSecond) {
    // TODO: wait until first() has printed
    printSecond();
    // TODO: tell third() that it may go
  }

  // printThird() outputs "third".
  void third(std::function<void()> printThird) {
    // TODO: wait until second() has printed
    printThird();
  }

 private:
  lab::Shared<int> printed_{0, "printed"};  // how many of first/second/third have printed
};
