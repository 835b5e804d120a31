// lab-expect: stall
// The last thread resets the count to 0 for the next round and wakes the others, who wait
// for `count == n`. By the time a woken thread runs, the count is already 0 again, so the
// predicate is false and it goes back to sleep, and nobody will ever wake it: a stall. The
// waiters must wait for "my round is over", not for "the count is n": note a generation
// number when you arrive and wait until it changes.
#include <condition_variable>
#include <mutex>

class Barrier {
  int n;
  int count = 0;
  std::mutex m;
  std::condition_variable cv;

 public:
  explicit Barrier(int n) : n(n) {}

  void wait() {
    std::unique_lock<std::mutex> lk(m);
    if (++count == n) {
      count = 0;
      cv.notify_all();
      return;
    }
    cv.wait(lk, [this] { return count == n; });  // BUG: the count was reset before we woke
  }
};
