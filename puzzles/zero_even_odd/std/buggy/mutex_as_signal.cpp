// lab-expect: unlock-not-owner
// Bug: three std::mutex used as signals, a popular LeetCode answer. The odd and even
// mutexes are locked in the constructor and unlocked by the zero thread; zero's is
// unlocked by odd and even. A std::mutex is owned: unlocking it from a thread that does not
// hold it is undefined behaviour in C++. A turn handed from one thread to another is a
// std::counting_semaphore (or a condition variable over shared state).
#include <functional>
#include <mutex>

class ZeroEvenOdd {
 private:
  int n;
  std::mutex zeroLock, oddLock, evenLock;

 public:
  ZeroEvenOdd(int n) {
    this->n = n;
    oddLock.lock();
    evenLock.lock();
  }

  void zero(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n; ++i) {
      zeroLock.lock();
      printNumber(0);
      if (i % 2 == 1) {
        oddLock.unlock();
      } else {
        evenLock.unlock();
      }
    }
  }

  void even(std::function<void(int)> printNumber) {
    for (int i = 2; i <= n; i += 2) {
      evenLock.lock();
      printNumber(i);
      zeroLock.unlock();
    }
  }

  void odd(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n; i += 2) {
      oddLock.lock();
      printNumber(i);
      zeroLock.unlock();
    }
  }
};
