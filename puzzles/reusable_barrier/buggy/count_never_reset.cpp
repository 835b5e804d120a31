// lab-expect: wrong-output
// A one-shot barrier used as a reusable one: the count reaches n in the first round and
// stays there, so in the second round every thread sees "all n arrived" and passes at
// once. A reusable barrier must start each round afresh: reset the count, and tell the
// rounds apart (a generation number).
#include <mutex>

#include "lab/sync.h"

class Barrier {
 public:
  explicit Barrier(int n) : n_(n) {}

  void wait() {
    std::unique_lock lk(mu_);
    arrived_ += 1;  // BUG: never reset for the next round
    if (arrived_ == n_) all_here_.notify_all();
    all_here_.wait(lk, [&] { return arrived_ >= n_; });
  }

 private:
  const int n_;
  lab::Mutex mu_{"mu"};
  lab::CondVar all_here_{"all_here"};
  lab::Shared<int> arrived_{0, "arrived"};
};
