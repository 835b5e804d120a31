// lab-expect: wrong-output
// `if` around cv.wait: a thread waits once and goes on when it wakes. A wake-up may be
// spurious (C++ allows it, and the lab makes it happen), and then the thread passes the
// barrier before the others have arrived. Re-check after every wake-up: a `while` loop, or
// the predicate form of wait.
#include <condition_variable>
#include <mutex>

class Barrier {
  int n;
  int count = 0;
  int generation = 0;
  std::mutex m;
  std::condition_variable cv;

 public:
  explicit Barrier(int n) : n(n) {}

  void wait() {
    std::unique_lock<std::mutex> lk(m);
    int gen = generation;
    if (++count == n) {
      count = 0;
      ++generation;
      cv.notify_all();
    } else if (gen == generation) {
      cv.wait(lk);  // BUG: while
    }
  }
};
