// lab-expect: data-race
// Bug: the loop condition reads `cur` before taking the lock, the way many posted answers
// write it (`while (cur <= n) { unique_lock lk(m); ... }`). Everything else is done under
// the lock, but that one read of a plain int is unordered with the other threads' `++cur`:
// a data race (undefined behaviour in C++; the value read may be stale, and the compiler
// may keep it in a register). Test the end of the sequence inside the lock.
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
    while (cur <= n) {  // BUG: read without the lock
      std::unique_lock<std::mutex> lk(m);
      cv.wait(lk, [&] { return cur > n || (cur % 3 == 0 && cur % 5 != 0); });
      if (cur > n) break;
      printFizz();
      ++cur;
      cv.notify_all();
    }
  }

  void buzz(std::function<void()> printBuzz) {
    while (cur <= n) {
      std::unique_lock<std::mutex> lk(m);
      cv.wait(lk, [&] { return cur > n || (cur % 5 == 0 && cur % 3 != 0); });
      if (cur > n) break;
      printBuzz();
      ++cur;
      cv.notify_all();
    }
  }

  void fizzbuzz(std::function<void()> printFizzBuzz) {
    while (cur <= n) {
      std::unique_lock<std::mutex> lk(m);
      cv.wait(lk, [&] { return cur > n || cur % 15 == 0; });
      if (cur > n) break;
      printFizzBuzz();
      ++cur;
      cv.notify_all();
    }
  }

  void number(std::function<void(int)> printNumber) {
    while (cur <= n) {
      std::unique_lock<std::mutex> lk(m);
      cv.wait(lk, [&] { return cur > n || (cur % 3 != 0 && cur % 5 != 0); });
      if (cur > n) break;
      printNumber(cur);
      ++cur;
      cv.notify_all();
    }
  }
};
