// lab-expect: wrong-output
// A barrier of three alone: it groups *any* three threads, so three hydrogens can meet
// and release "HHH" (or two oxygens bond with one hydrogen). The barrier needs the
// semaphores in front of it to admit exactly two hydrogens and one oxygen per molecule.
#include <functional>

#include "lab/sync.h"

class H2O {
 public:
  H2O() {}

  void hydrogen(std::function<void()> releaseHydrogen) {
    bond_.wait();  // BUG: any three atoms pass together
    releaseHydrogen();
  }

  void oxygen(std::function<void()> releaseOxygen) {
    bond_.wait();
    releaseOxygen();
  }

 private:
  lab::Barrier bond_{3, "bond"};
};
