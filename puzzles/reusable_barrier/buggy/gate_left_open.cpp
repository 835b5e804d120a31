// lab-expect: wrong-output
// The Little Book of Semaphores' "reusable barrier non-solution": one turnstile, opened by
// the last thread to arrive and closed by the last thread to leave. Between the two, a
// fast thread can leave, loop round to the next wait(), find the turnstile still open and
// pass it again: into round k+1 while the others are still in round k. The fix is a second
// turnstile (the two-phase barrier), or a generation number with a condition variable.
#include <mutex>

#include "lab/sync.h"

class Barrier {
 public:
  explicit Barrier(int n) : n_(n) {}

  void wait() {
    {
      std::lock_guard lk(mu_);
      count_ += 1;
      if (count_ == n_) turnstile_.release();  // the last arrival opens the gate
    }
    turnstile_.acquire();
    turnstile_.release();
    {
      std::lock_guard lk(mu_);
      count_ -= 1;
      if (count_ == 0) turnstile_.acquire();  // BUG: closed only when the last one leaves
    }
  }

 private:
  const int n_;
  lab::Mutex mu_{"mu"};
  lab::Semaphore turnstile_{0, "turnstile"};
  lab::Shared<int> count_{0, "count"};
};
