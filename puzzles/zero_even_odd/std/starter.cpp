// Print zero, even and odd (LC 1116), standard C++. Copy with `lab new zero_even_odd --std`,
// then check with `lab check zero_even_odd zero_even_odd.cpp`.
//
// The same ZeroEvenOdd object is shared by three threads: one calls zero(), one even(),
// one odd(). zero() prints 0 n times, even() the even numbers of 1..n, odd() the odd ones;
// together they must print "0102...0n" (for n = 5: 0 1 0 2 0 3 0 4 0 5), whatever order
// the threads start in. As written, every thread prints its numbers straight away.
//
// TODO: make the threads hand the turn to each other: zero, then odd, zero, even, zero,
// odd, ... Keep the state below in plain variables guarded by a std::mutex and wait on a
// std::condition_variable with a predicate (cv.wait(lock, [&] { return ...; })), or give
// each thread a std::counting_semaphore that holds its turn (zero's starting with 1).
// Every read and write of a plain variable is race-checked: reading one of these without
// the lock, even in a loop condition, is a data race.
#include <condition_variable>
#include <functional>
#include <mutex>

class ZeroEvenOdd {
 public:
  ZeroEvenOdd(int n) : n_(n) {}

  // printNumber(x) outputs "x", where x is an integer.
  void zero(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n_; ++i) {
      // TODO: wait for zero's turn
      printNumber(0);
      // TODO: give the turn to odd (i odd) or even (i even)
    }
  }

  void even(std::function<void(int)> printNumber) {
    for (int i = 2; i <= n_; i += 2) {
      // TODO: wait for even's turn
      printNumber(i);
      // TODO: give the turn back to zero
    }
  }

  void odd(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n_; i += 2) {
      // TODO: wait for odd's turn
      printNumber(i);
      // TODO: give the turn back to zero
    }
  }

 private:
  const int n_;
  bool zero_turn_ = true;  // zero prints next
  int next_ = 1;           // the next number after a 0
};
