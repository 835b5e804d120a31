// lab-expect: wrong-output
// Bug: `if` around cv.wait. third() checks once whether second() has printed and then
// waits; but the notify_all after first() wakes third() too (and a condition variable may
// wake spuriously, as C++ allows), and third() then prints without checking again. Wait
// in a loop: `while (turn != 3) cv.wait(lk);` or cv.wait(lk, predicate).
#include <condition_variable>
#include <functional>
#include <mutex>

class Foo {
  std::mutex m;
  std::condition_variable cv;
  int turn = 1;

 public:
  Foo() {}

  void first(std::function<void()> printFirst) {
    std::unique_lock<std::mutex> lk(m);
    printFirst();
    turn = 2;
    cv.notify_all();
  }

  void second(std::function<void()> printSecond) {
    std::unique_lock<std::mutex> lk(m);
    if (turn != 2) cv.wait(lk);
    printSecond();
    turn = 3;
    cv.notify_all();
  }

  void third(std::function<void()> printThird) {
    std::unique_lock<std::mutex> lk(m);
    if (turn != 3) cv.wait(lk);
    printThird();
  }
};
