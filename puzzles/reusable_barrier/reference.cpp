// reusable_barrier — reference solution: a count and a generation under one lock.
//
// Each arrival counts itself; the last one of a round resets the count for the next round,
// starts a new generation and wakes everyone. The others wait until the generation moves
// on, not until the count reaches n: by the time a woken thread runs, the count may already
// be reset (or counting the next round), but the generation it noted tells its own round
// apart from the next one, so no thread runs ahead into round k+1.
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
    } else {
      all_here_.wait(lk, [&] { return generation_ != mine; });
    }
  }

 private:
  const int n_;
  lab::Mutex mu_{"mu"};
  lab::CondVar all_here_{"all_here"};
  lab::Shared<int> arrived_{0, "arrived"};
  lab::Shared<long> generation_{0, "generation"};
};
