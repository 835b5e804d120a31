// Reference solution in standard C++: the progress in a plain int, guarded by a std::mutex,
// and one std::condition_variable that second() and third() wait on, each for its own
// condition, in the predicate form of wait (a while loop: a wake-up may be spurious or meant
// for the other thread). Two threads may be waiting when a step is done: notify_all.
#include <condition_variable>
#include <functional>
#include <mutex>

class Foo {
 public:
  Foo() {}

  void first(std::function<void()> printFirst) {
    std::lock_guard<std::mutex> lk(m_);
    printFirst();
    printed_ = 1;
    cv_.notify_all();
  }

  void second(std::function<void()> printSecond) {
    std::unique_lock<std::mutex> lk(m_);
    cv_.wait(lk, [this] { return printed_ == 1; });
    printSecond();
    printed_ = 2;
    cv_.notify_all();
  }

  void third(std::function<void()> printThird) {
    std::unique_lock<std::mutex> lk(m_);
    cv_.wait(lk, [this] { return printed_ == 2; });
    printThird();
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  int printed_ = 0;  // how many of first/second/third have printed; guarded by m_
};
