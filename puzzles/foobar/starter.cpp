// Print FooBar alternately (LC 1115). Copy with `lab new foobar`, then check with
// `lab check foobar foobar.cpp`.
//
// The same FooBar object is shared by two threads: one calls foo(), the other bar(). Each
// prints its word n times; together they must print "foobar" n times ("foobarfoobar..."),
// whichever thread starts first. As written, each thread prints all its words at once.
//
// TODO: make the threads alternate. Keep whose turn it is in `foo_turn_` (a lab::Shared,
// so an access without the lock shows as a data race), guard it with a lab::Mutex and wait
// on a lab::CondVar in a `while` loop. (Two lab::Semaphore, one per thread, work too.)
#include <functional>
#include <mutex>

#include "lab/sync.h"

class FooBar {
 public:
  FooBar(int n) : n_(n) {}

  // printFoo() outputs "foo".
  void foo(std::function<void()> printFoo) {
    for (int i = 0; i < n_; ++i) {
      // TODO: wait for foo's turn
      printFoo();
      // TODO: give the turn to bar
    }
  }

  // printBar() outputs "bar".
  void bar(std::function<void()> printBar) {
    for (int i = 0; i < n_; ++i) {
      // TODO: wait for bar's turn
      printBar();
      // TODO: give the turn to foo
    }
  }

 private:
  const int n_;
  lab::Shared<bool> foo_turn_{true, "foo_turn"};  // true: foo prints next; false: bar
};
