// lab-expect: unlock-not-owner
// Bug: the classic LeetCode answer with two std::mutex as signals. Both are locked in the
// constructor (on the thread that creates Foo) and unlocked by first() and second() to let
// the next step go. A std::mutex is owned: unlocking it from a thread that does not hold
// it is undefined behaviour in C++ (it "works" on one implementation and not on another).
// A signal from one thread to another is a std::binary_semaphore created with 0, or a
// condition variable over shared state.
#include <functional>
#include <mutex>

class Foo {
  std::mutex m1, m2;

 public:
  Foo() {
    m1.lock();
    m2.lock();
  }

  void first(std::function<void()> printFirst) {
    printFirst();
    m1.unlock();  // not the owner: the constructor's thread locked it
  }

  void second(std::function<void()> printSecond) {
    m1.lock();
    printSecond();
    m1.unlock();
    m2.unlock();
  }

  void third(std::function<void()> printThird) {
    m2.lock();
    printThird();
    m2.unlock();
  }
};
