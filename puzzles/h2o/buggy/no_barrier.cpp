// lab-expect: wrong-output
// Semaphores alone: at most two hydrogens and one oxygen are "inside" at a time, but
// nothing makes them wait for each other. A hydrogen releases, gives its permit back, and
// the next hydrogen releases too: "HHH". Add a barrier of three before the release.
#include <functional>

#include "lab/sync.h"

class H2O {
 public:
  H2O() {}

  void hydrogen(std::function<void()> releaseHydrogen) {
    hydrogen_slots_.acquire();
    releaseHydrogen();  // BUG: does not wait for the other two atoms
    hydrogen_slots_.release();
  }

  void oxygen(std::function<void()> releaseOxygen) {
    oxygen_slot_.acquire();
    releaseOxygen();  // BUG: does not wait for the two hydrogens
    oxygen_slot_.release();
  }

 private:
  lab::Semaphore hydrogen_slots_{2, "hydrogen_slots"};
  lab::Semaphore oxygen_slot_{1, "oxygen_slot"};
};
