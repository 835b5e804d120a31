// h2o — starter. Copy it (`lab new h2o`), then make the atoms wait for each other.
//
// As given, every atom is released at once, in whatever order the threads happen to run:
// `lab check` shows groups like "OOH" or "HHH". Make each thread wait until it can form a
// molecule with two others, using lab::Semaphore, lab::Barrier (or lab::Mutex and
// lab::CondVar). Keep the class signature exactly.
#include <functional>

#include "lab/sync.h"

class H2O {
 public:
  H2O() {}

  // Called once by each hydrogen thread.
  void hydrogen(std::function<void()> releaseHydrogen) {
    // TODO: wait until this hydrogen can bond with one more hydrogen and an oxygen.
    releaseHydrogen();
  }

  // Called once by each oxygen thread.
  void oxygen(std::function<void()> releaseOxygen) {
    // TODO: wait until this oxygen can bond with two hydrogens.
    releaseOxygen();
  }

 private:
  // TODO: e.g. lab::Semaphore hydrogen_slots_{2, "hydrogen_slots"}; lab::Barrier bond_{3, "bond"};
  // Keep any counters you need in lab::Shared<int> (guarded by a lab::Mutex), so that the
  // lab can check them for races.
};
