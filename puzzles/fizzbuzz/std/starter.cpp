// FizzBuzz with four threads (LC 1195), in standard C++. Copy with
// `lab new fizzbuzz --std`, then check with `lab check fizzbuzz fizzbuzz.cpp`.
//
// The same FizzBuzz object is shared by four threads: one calls fizz(), one buzz(), one
// fizzbuzz() and one number(). Together they must print 1..n as FizzBuzz, in order, each
// item printed by the thread whose method owns it. As written, every thread prints its own
// items straight away, so the output comes out in whatever order the threads happen to run.
//
// TODO: make each thread wait until the next number is one it prints. Keep the next number
// in `cur` (a plain int: the lab checks every access to it, so a read or write without the
// lock shows as a data race) and guard it with a std::mutex; wait on a
// std::condition_variable in a `while` loop (or with the predicate overload of wait), and
// wake the other threads after each item.
#include <condition_variable>
#include <functional>
#include <mutex>

class FizzBuzz {
 public:
  FizzBuzz(int n) : n(n) {}

  // printFizz() outputs "fizz". Called for multiples of 3 that are not multiples of 5.
  void fizz(std::function<void()> printFizz) {
    for (int i = 1; i <= n; ++i) {
      if (i % 3 == 0 && i % 5 != 0) printFizz();  // TODO: wait for my turn first
    }
  }

  // printBuzz() outputs "buzz". Called for multiples of 5 that are not multiples of 3.
  void buzz(std::function<void()> printBuzz) {
    for (int i = 1; i <= n; ++i) {
      if (i % 5 == 0 && i % 3 != 0) printBuzz();  // TODO: wait for my turn first
    }
  }

  // printFizzBuzz() outputs "fizzbuzz". Called for multiples of 15.
  void fizzbuzz(std::function<void()> printFizzBuzz) {
    for (int i = 1; i <= n; ++i) {
      if (i % 15 == 0) printFizzBuzz();  // TODO: wait for my turn first
    }
  }

  // printNumber(x) outputs "x". Called for the numbers divisible by neither 3 nor 5.
  void number(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n; ++i) {
      if (i % 3 != 0 && i % 5 != 0) printNumber(i);  // TODO: wait for my turn first
    }
  }

 private:
  int n;
  int cur = 1;  // the next number to print (1..n, then n+1)
  // TODO: a std::mutex that guards cur, and a std::condition_variable to wait on.
};
