// lab-expect: stall
// Bug: notify_one where the waiters wait for different conditions. second() and third()
// wait on the same condition variable; first() wakes only one of them. When that is
// third(), it finds it is not its turn and waits again, second() is never woken, and both
// wait for ever. With one condition variable and several conditions, notify_all.
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
    cv.notify_one();  // should be notify_all: second() and third() may both be waiting
  }

  void second(std::function<void()> printSecond) {
    std::unique_lock<std::mutex> lk(m);
    cv.wait(lk, [this] { return turn == 2; });
    printSecond();
    turn = 3;
    cv.notify_one();
  }

  void third(std::function<void()> printThird) {
    std::unique_lock<std::mutex> lk(m);
    cv.wait(lk, [this] { return turn == 3; });
    printThird();
  }
};
