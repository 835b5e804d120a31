// lab-expect: wrong-output
// Bug: `if` where a `while` belongs. Each thread checks its turn once and then waits; a
// wake-up is not a promise that the turn has changed (the C++ standard lets a condition
// variable wake spuriously, and the lab makes it happen), and the thread prints without
// checking again. Use `while (!fooTurn) cv.wait(lk);` or `cv.wait(lk, [&] { return fooTurn; });`.
#include <condition_variable>
#include <functional>
#include <mutex>

class FooBar {
 private:
  int n;
  bool fooTurn = true;
  std::mutex m;
  std::condition_variable cv;

 public:
  FooBar(int n) : n(n) {}

  void foo(std::function<void()> printFoo) {
    for (int i = 0; i < n; i++) {
      std::unique_lock<std::mutex> lk(m);
      if (!fooTurn) cv.wait(lk);  // BUG: while
      printFoo();
      fooTurn = false;
      cv.notify_one();
    }
  }

  void bar(std::function<void()> printBar) {
    for (int i = 0; i < n; i++) {
      std::unique_lock<std::mutex> lk(m);
      if (fooTurn) cv.wait(lk);  // BUG: while
      printBar();
      fooTurn = true;
      cv.notify_one();
    }
  }
};
