// Print FooBar alternately (LC 1115), in standard C++. Copy with `lab new foobar --std`,
// then check with `lab check foobar foobar.cpp`.
//
// The same FooBar object is shared by two threads: one calls foo(), the other bar(). Each
// prints its word n times; together they must print "foobar" n times ("foobarfoobar..."),
// whichever thread starts first. As written, each thread prints all its words at once.
//
// TODO: make the threads alternate. Keep whose turn it is in `fooTurn` (a plain bool: the
// lab checks every access to it, so one without the lock shows as a data race), guard it
// with a std::mutex and wait on a std::condition_variable in a `while` loop (or with the
// predicate overload of wait). (Two std::binary_semaphore, one per thread, work too.)
#include <condition_variable>
#include <functional>
#include <mutex>

class FooBar {
 private:
  int n;
  bool fooTurn = true;  // true: foo prints next; false: bar
  // TODO: a std::mutex that guards fooTurn, and a std::condition_variable to wait on.

 public:
  FooBar(int n) : n(n) {}

  // printFoo() outputs "foo".
  void foo(std::function<void()> printFoo) {
    for (int i = 0; i < n; i++) {
      // TODO: wait for foo's turn
      printFoo();
      // TODO: give the turn to bar
    }
  }

  // printBar() outputs "bar".
  void bar(std::function<void()> printBar) {
    for (int i = 0; i < n; i++) {
      // TODO: wait for bar's turn
      printBar();
      // TODO: give the turn to foo
    }
  }
};
