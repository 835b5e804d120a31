// Print in order (LC 1114), standard C++. Copy with `lab new print_in_order --std`, then
// check with `lab check print_in_order print_in_order.cpp`.
//
// The same Foo object is shared by three threads: one calls first(), one second(), one
// third(). Whatever order the threads start in, the output must be "firstsecondthird".
// As written, each method prints at once, so the output follows the threads' luck.
//
// TODO: make second() wait until first() has printed, and third() until second() has.
// Keep the progress in `printed_`, guard it with a std::mutex and wait on a
// std::condition_variable with a predicate (cv.wait(lock, [&] { return ...; })), or signal
// with a std::binary_semaphore per step created with 0. Every read and write of a plain
// variable is race-checked: an access to `printed_` without the lock is a data race.
#include <condition_variable>
#include <functional>
#include <mutex>

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
  int printed_ = 0;  // how many of first/second/third have printed
};
