// lab-expect: stall
// Bug: notify_one where the waiters wait for different conditions. After each item only
// ONE waiting thread is woken, and it may not be the one whose turn is next: it finds the
// number is not its own and goes back to sleep, the notification is spent, and all four
// threads end up waiting on the condition variable for ever (a lost wake-up). Every
// thread waits for its own condition on one condition variable, so notify_all.
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
      cv.wait(lk, [&] { return cur > n || (cur % 3 == 0 && cur % 5 != 0); });
      if (cur > n) break;
      printFizz();
      ++cur;
      cv.notify_one();  // BUG: the next number may be anyone's
    }
    cv.notify_one();
  }

  void buzz(std::function<void()> printBuzz) {
    while (true) {
      std::unique_lock<std::mutex> lk(m);
      cv.wait(lk, [&] { return cur > n || (cur % 5 == 0 && cur % 3 != 0); });
      if (cur > n) break;
      printBuzz();
      ++cur;
      cv.notify_one();
    }
    cv.notify_one();
  }

  void fizzbuzz(std::function<void()> printFizzBuzz) {
    while (true) {
      std::unique_lock<std::mutex> lk(m);
      cv.wait(lk, [&] { return cur > n || cur % 15 == 0; });
      if (cur > n) break;
      printFizzBuzz();
      ++cur;
      cv.notify_one();
    }
    cv.notify_one();
  }

  void number(std::function<void(int)> printNumber) {
    while (true) {
      std::unique_lock<std::mutex> lk(m);
      cv.wait(lk, [&] { return cur > n || (cur % 3 != 0 && cur % 5 != 0); });
      if (cur > n) break;
      printNumber(cur);
      ++cur;
      cv.notify_one();
    }
    cv.notify_one();
  }
};
