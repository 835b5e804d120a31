// lab-expect: wrong-output
// Bug: `if` around cv.wait. Every thread is woken by each notify_all (and a condition
// variable may also wake spuriously, as C++ allows); a thread that checked its turn only
// before waiting then prints out of turn. Wait in a loop, or with a predicate.
#include <condition_variable>
#include <functional>
#include <mutex>

class ZeroEvenOdd {
 private:
  int n;
  int state = 0;  // 0: zero's turn, 1: odd's, 2: even's
  std::mutex m;
  std::condition_variable cv;

 public:
  ZeroEvenOdd(int n) { this->n = n; }

  void zero(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n; ++i) {
      std::unique_lock<std::mutex> lk(m);
      if (state != 0) cv.wait(lk);
      printNumber(0);
      state = i % 2 == 1 ? 1 : 2;
      cv.notify_all();
    }
  }

  void even(std::function<void(int)> printNumber) {
    for (int i = 2; i <= n; i += 2) {
      std::unique_lock<std::mutex> lk(m);
      if (state != 2) cv.wait(lk);
      printNumber(i);
      state = 0;
      cv.notify_all();
    }
  }

  void odd(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n; i += 2) {
      std::unique_lock<std::mutex> lk(m);
      if (state != 1) cv.wait(lk);
      printNumber(i);
      state = 0;
      cv.notify_all();
    }
  }
};
