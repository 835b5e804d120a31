// lab-expect: stall
// Bug: notify_one where the waiters wait for different conditions. After a 0, odd and even
// may both be waiting on the one condition variable, and zero wakes only one of them. When
// it wakes the wrong one, that thread checks its predicate and waits again, the right one
// is never woken, and all three wait for ever. One condition variable, several conditions:
// notify_all (or one condition variable per thread).
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
      cv.wait(lk, [this] { return state == 0; });
      printNumber(0);
      state = i % 2 == 1 ? 1 : 2;
      cv.notify_one();  // should be notify_all: odd and even may both be waiting
    }
  }

  void even(std::function<void(int)> printNumber) {
    for (int i = 2; i <= n; i += 2) {
      std::unique_lock<std::mutex> lk(m);
      cv.wait(lk, [this] { return state == 2; });
      printNumber(i);
      state = 0;
      cv.notify_one();
    }
  }

  void odd(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n; i += 2) {
      std::unique_lock<std::mutex> lk(m);
      cv.wait(lk, [this] { return state == 1; });
      printNumber(i);
      state = 0;
      cv.notify_one();
    }
  }
};
