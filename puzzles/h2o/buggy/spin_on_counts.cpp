// lab-expect: data-race
// Busy-waiting on plain counters: no lock, so every read of `hydrogens_` races with
// another thread's write (and the check and the increment are not one step, so two
// hydrogens can both see "one free place"). Spinning also burns the CPU the other atoms
// need. Block on a semaphore or a condition variable instead.
#include <functional>

#include "lab/sync.h"

class H2O {
 public:
  H2O() {}

  void hydrogen(std::function<void()> releaseHydrogen) {
    while (hydrogens_ == 2) lab::yield();  // BUG: unsynchronised spin
    hydrogens_ += 1;
    releaseHydrogen();
    BondIfComplete();
  }

  void oxygen(std::function<void()> releaseOxygen) {
    while (oxygens_ == 1) lab::yield();  // BUG: unsynchronised spin
    oxygens_ += 1;
    releaseOxygen();
    BondIfComplete();
  }

 private:
  void BondIfComplete() {
    if (hydrogens_ == 2 && oxygens_ == 1) {
      hydrogens_.store(0);
      oxygens_.store(0);
    }
  }

  lab::Shared<int> hydrogens_{0, "hydrogens"};
  lab::Shared<int> oxygens_{0, "oxygens"};
};
