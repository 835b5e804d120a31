// lab-expect: wrong-output
// The monitor answer with `if` where a `while` belongs: when a molecule is complete,
// notify_all wakes every waiting hydrogen, and each one that checked `if (h == 2)` only
// once goes on, even after the first two refilled the molecule; a spurious wake-up (which
// the C++ standard allows and the lab makes happen) does the same. Re-check the condition
// after every wake-up: `while`, or the predicate overload of wait.
#include <condition_variable>
#include <functional>
#include <mutex>

class H2O {
  std::mutex m;
  std::condition_variable cv;
  int h = 0;
  int o = 0;

 public:
  H2O() {}

  void hydrogen(std::function<void()> releaseHydrogen) {
    std::unique_lock<std::mutex> lk(m);
    if (h == 2) cv.wait(lk);  // BUG: while
    ++h;
    releaseHydrogen();
    if (h == 2 && o == 1) h = o = 0;
    cv.notify_all();
  }

  void oxygen(std::function<void()> releaseOxygen) {
    std::unique_lock<std::mutex> lk(m);
    if (o == 1) cv.wait(lk);  // BUG: while
    ++o;
    releaseOxygen();
    if (h == 2 && o == 1) h = o = 0;
    cv.notify_all();
  }
};
