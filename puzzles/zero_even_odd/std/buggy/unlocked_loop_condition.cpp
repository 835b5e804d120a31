// lab-expect: data-race
// Bug: the loop condition reads the shared counter without the lock. A common LeetCode
// shape: `while (i <= n) { unique_lock lk(m); ... }`: the wait and the print are locked,
// but `i` is read at the top of every iteration while another thread increments it under
// the lock: a data race on a plain int (undefined behaviour in C++). Read it under the
// lock: loop `for (;;)`, and test `i > n` inside the critical section.
#include <condition_variable>
#include <functional>
#include <mutex>

class ZeroEvenOdd {
 private:
  int n;
  int i = 1;      // the next number to print
  int state = 0;  // 0: zero's turn, 1: odd's, 2: even's
  std::mutex m;
  std::condition_variable cv;

 public:
  ZeroEvenOdd(int n) { this->n = n; }

  void zero(std::function<void(int)> printNumber) {
    while (i <= n) {  // BUG: read without the lock
      std::unique_lock<std::mutex> lk(m);
      cv.wait(lk, [this] { return state == 0 || i > n; });
      if (i > n) break;
      printNumber(0);
      state = i % 2 == 1 ? 1 : 2;
      cv.notify_all();
    }
  }

  void even(std::function<void(int)> printNumber) {
    while (i <= n) {  // BUG: read without the lock
      std::unique_lock<std::mutex> lk(m);
      cv.wait(lk, [this] { return state == 2 || i > n; });
      if (i > n) break;
      printNumber(i++);
      state = 0;
      cv.notify_all();
    }
  }

  void odd(std::function<void(int)> printNumber) {
    while (i <= n) {  // BUG: read without the lock
      std::unique_lock<std::mutex> lk(m);
      cv.wait(lk, [this] { return state == 1 || i > n; });
      if (i > n) break;
      printNumber(i++);
      state = 0;
      cv.notify_all();
    }
  }
};
