// lab-expect: wrong-output
// Bug: `if` where a `while` belongs. A thread checks its turn once, waits, and after the
// wait prints whether or not the next number is its own: notify_all wakes all three other
// threads after every item, and a condition variable may also wake a thread spuriously
// (the C++ standard allows it; the lab makes it happen). Re-check after every wake-up:
// `while`, or the predicate overload `cv.wait(lk, pred)`.
#include <condition_variable>
#include <functional>
#include <mutex>

class FizzBuzz {
 private:
  int n;
  int cur = 1;
  std::mutex m;
  std::condition_variable cv;

 public:
  FizzBuzz(int n) : n(n) {}

  void fizz(std::function<void()> printFizz) {
    while (true) {
      std::unique_lock<std::mutex> lk(m);
      if (cur <= n && !(cur % 3 == 0 && cur % 5 != 0)) cv.wait(lk);  // BUG: while
      if (cur > n) return;
      printFizz();
      ++cur;
      cv.notify_all();
    }
  }

  void buzz(std::function<void()> printBuzz) {
    while (true) {
      std::unique_lock<std::mutex> lk(m);
      if (cur <= n && !(cur % 5 == 0 && cur % 3 != 0)) cv.wait(lk);  // BUG: while
      if (cur > n) return;
      printBuzz();
      ++cur;
      cv.notify_all();
    }
  }

  void fizzbuzz(std::function<void()> printFizzBuzz) {
    while (true) {
      std::unique_lock<std::mutex> lk(m);
      if (cur <= n && cur % 15 != 0) cv.wait(lk);  // BUG: while
      if (cur > n) return;
      printFizzBuzz();
      ++cur;
      cv.notify_all();
    }
  }

  void number(std::function<void(int)> printNumber) {
    while (true) {
      std::unique_lock<std::mutex> lk(m);
      if (cur <= n && (cur % 3 == 0 || cur % 5 == 0)) cv.wait(lk);  // BUG: while
      if (cur > n) return;
      printNumber(cur);
      ++cur;
      cv.notify_all();
    }
  }
};
