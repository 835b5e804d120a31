// Reference solution in standard C++, as the LeetCode answers write it: one std::mutex,
// one std::condition_variable and a plain bool "whose turn". Each thread waits (the
// predicate overload of wait is a while loop) for its turn, prints, hands the turn over
// and wakes the other thread.
#include <condition_variable>
#include <functional>
#include <mutex>

class FooBar {
 private:
  int n;
  bool fooTurn = true;  // guarded by m
  std::mutex m;
  std::condition_variable cv;

 public:
  FooBar(int n) : n(n) {}

  void foo(std::function<void()> printFoo) {
    for (int i = 0; i < n; i++) {
      std::unique_lock<std::mutex> lk(m);
      cv.wait(lk, [&] { return fooTurn; });
      printFoo();
      fooTurn = false;
      cv.notify_one();  // one other thread, waiting for exactly this change
    }
  }

  void bar(std::function<void()> printBar) {
    for (int i = 0; i < n; i++) {
      std::unique_lock<std::mutex> lk(m);
      cv.wait(lk, [&] { return !fooTurn; });
      printBar();
      fooTurn = true;
      cv.notify_one();
    }
  }
};
