// Reference solution in standard C++: whose turn it is (zero, odd or even) and the next
// number, in plain ints guarded by one std::mutex; every thread waits on one
// std::condition_variable for its own turn, in the predicate form of wait (a wake-up may be
// spurious or meant for another thread), and whoever hands the turn on notifies all.
#include <condition_variable>
#include <functional>
#include <mutex>

class ZeroEvenOdd {
 public:
  ZeroEvenOdd(int n) : n_(n) {}

  // printNumber(x) outputs "x", where x is an integer.
  void zero(std::function<void(int)> printNumber) {
    for (int k = 0; k < n_; ++k) {
      std::unique_lock<std::mutex> lk(m_);
      cv_.wait(lk, [this] { return turn_ == kZero; });
      printNumber(0);
      turn_ = next_ % 2 == 1 ? kOdd : kEven;
      cv_.notify_all();
    }
  }

  void even(std::function<void(int)> printNumber) {
    for (int i = 2; i <= n_; i += 2) Print(kEven, i, printNumber);
  }

  void odd(std::function<void(int)> printNumber) {
    for (int i = 1; i <= n_; i += 2) Print(kOdd, i, printNumber);
  }

 private:
  enum Turn { kZero, kOdd, kEven };

  // Waits for `who`'s turn, prints i and gives the turn back to zero.
  void Print(Turn who, int i, const std::function<void(int)>& printNumber) {
    std::unique_lock<std::mutex> lk(m_);
    cv_.wait(lk, [&] { return turn_ == who; });
    printNumber(i);
    next_ = i + 1;
    turn_ = kZero;
    cv_.notify_all();
  }

  const int n_;
  std::mutex m_;
  std::condition_variable cv_;
  Turn turn_ = kZero;  // guarded by m_
  int next_ = 1;       // the number printed after the next 0; guarded by m_
};
