// Reference solution in standard C++, as the LeetCode answers write it: one std::mutex,
// one std::condition_variable, one plain int "next number". Each thread waits (the
// predicate overload of wait is a while loop) until the next number is one it prints or
// the sequence is over, prints it, advances and wakes everyone: the next number may belong
// to any of the other three threads, so notify_all, not notify_one.
#include <condition_variable>
#include <functional>
#include <mutex>

class FizzBuzz {
 private:
  int n;
  int cur = 1;  // the next number to print; guarded by m
  std::mutex m;
  std::condition_variable cv;

 public:
  FizzBuzz(int n) : n(n) {}

  // printFizz() outputs "fizz".
  void fizz(std::function<void()> printFizz) {
    while (true) {
      std::unique_lock<std::mutex> lk(m);
      cv.wait(lk, [&] { return cur > n || (cur % 3 == 0 && cur % 5 != 0); });
      if (cur > n) return;
      printFizz();
      ++cur;
      cv.notify_all();
    }
  }

  // printBuzz() outputs "buzz".
  void buzz(std::function<void()> printBuzz) {
    while (true) {
      std::unique_lock<std::mutex> lk(m);
      cv.wait(lk, [&] { return cur > n || (cur % 5 == 0 && cur % 3 != 0); });
      if (cur > n) return;
      printBuzz();
      ++cur;
      cv.notify_all();
    }
  }

  // printFizzBuzz() outputs "fizzbuzz".
  void fizzbuzz(std::function<void()> printFizzBuzz) {
    while (true) {
      std::unique_lock<std::mutex> lk(m);
      cv.wait(lk, [&] { return cur > n || cur % 15 == 0; });
      if (cur > n) return;
      printFizzBuzz();
      ++cur;
      cv.notify_all();
    }
  }

  // printNumber(x) outputs "x", where x is an integer.
  void number(std::function<void(int)> printNumber) {
    while (true) {
      std::unique_lock<std::mutex> lk(m);
      cv.wait(lk, [&] { return cur > n || (cur % 3 != 0 && cur % 5 != 0); });
      if (cur > n) return;
      printNumber(cur);
      ++cur;
      cv.notify_all();
    }
  }
};
