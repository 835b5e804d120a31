// lab-expect: data-race
// Bug: busy-waiting on a plain int. second() and third() read `turn` in a loop while
// another thread writes it, with no lock, atomic or signal between them: a data race,
// undefined behaviour in C++ (the compiler may hoist the read out of the loop, which then
// never ends). std::this_thread::yield() does not synchronise anything.
#include <functional>
#include <thread>

class Foo {
  int turn = 1;

 public:
  Foo() {}

  void first(std::function<void()> printFirst) {
    printFirst();
    turn = 2;
  }

  void second(std::function<void()> printSecond) {
    while (turn != 2) std::this_thread::yield();
    printSecond();
    turn = 3;
  }

  void third(std::function<void()> printThird) {
    while (turn != 3) std::this_thread::yield();
    printThird();
  }
};
