// lab-expect: wrong-output
// A monitor with counters and `if` where a `while` belongs: when the molecule is complete,
// notify_all wakes every waiting hydrogen, and each one that checked `if (full)` only
// once goes on, even after the first two refilled the molecule; a spurious wake-up does
// the same. Re-check the condition after every wake-up: `while`, or the predicate wait.
#include <functional>
#include <mutex>

#include "lab/sync.h"

class H2O {
 public:
  H2O() {}

  void hydrogen(std::function<void()> releaseHydrogen) {
    std::unique_lock lk(mu_);
    if (hydrogens_ == 2) changed_.wait(lk);  // BUG: while
    hydrogens_ += 1;
    releaseHydrogen();
    BondIfComplete();
  }

  void oxygen(std::function<void()> releaseOxygen) {
    std::unique_lock lk(mu_);
    if (oxygens_ == 1) changed_.wait(lk);  // BUG: while
    oxygens_ += 1;
    releaseOxygen();
    BondIfComplete();
  }

 private:
  // Needs mu_. Starts the next molecule once this one has its three atoms.
  void BondIfComplete() {
    if (hydrogens_ == 2 && oxygens_ == 1) {
      hydrogens_.store(0);
      oxygens_.store(0);
      changed_.notify_all();
    }
  }

  lab::Mutex mu_{"mu"};
  lab::CondVar changed_{"changed"};
  lab::Shared<int> hydrogens_{0, "hydrogens"};
  lab::Shared<int> oxygens_{0, "oxygens"};
};
