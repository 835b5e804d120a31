// lab-expect: stall
// The last thread resets the count to 0 for the next round and wakes the others, who wait
// `while (arrived < n)`. By the time a woken thread runs, the count is already 0 again, so
// it goes back to sleep, and nobody will ever wake it: a stall. The waiters must wait for
// "my round is over", not for "the count is n": note a generation number when you arrive
// and wait until it changes.
#include <mutex>

#include "lab/sync.h"

class Barrier {
 public:
  explicit Barrier(int n) : n_(n) {}

  void wait() {
    std::unique_lock lk(mu_);
    arrived_ += 1;
    if (arrived_ == n_) {
      arrived_ = 0;
      all_here_.notify_all();
      return;
    }
    while (arrived_ < n_) all_here_.wait(lk);  // BUG: the count was reset before we woke
  }

 private:
  const int n_;
  lab::Mutex mu_{"mu"};
  lab::CondVar all_here_{"all_here"};
  lab::Shared<int> arrived_{0, "arrived"};
};
