// lab-expect: wrong-output
// `if` where a `while` belongs: a thread waits once and goes on when it wakes. A wake-up
// may be spurious (the lab makes that happen, as real systems do), and then the thread
// passes the barrier before the others have arrived. Re-check after every wake-up.
#include <mutex>

#include "lab/sync.h"

class Barrier {
 public:
  explicit Barrier(int n) : n_(n) {}

  void wait() {
    std::unique_lock lk(mu_);
    const long mine = generation_;
    arrived_ += 1;
    if (arrived_ == n_) {
      arrived_ = 0;
      generation_ += 1;
      all_here_.notify_all();
    } else if (generation_ == mine) {
      all_here_.wait(lk);  // BUG: while
    }
  }

 private:
  const int n_;
  lab::Mutex mu_{"mu"};
  lab::CondVar all_here_{"all_here"};
  lab::Shared<int> arrived_{0, "arrived"};
  lab::Shared<long> generation_{0, "generation"};
};
