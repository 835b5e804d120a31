// h2o — reference solution: two semaphores admit one molecule's atoms, a barrier bonds them.
//
// At most two hydrogens and one oxygen hold a permit at a time, and the barrier lets them
// release only once all three have arrived. A permit is given back only after its atom
// has been released, so the next molecule's barrier cannot fill before this molecule's
// three releases are done: every consecutive group of three is H, H and O in some order.
#include <functional>

#include "lab/sync.h"

class H2O {
 public:
  H2O() {}

  void hydrogen(std::function<void()> releaseHydrogen) {
    hydrogen_slots_.acquire();
    bond_.wait();
    releaseHydrogen();
    hydrogen_slots_.release();
  }

  void oxygen(std::function<void()> releaseOxygen) {
    oxygen_slot_.acquire();
    bond_.wait();
    releaseOxygen();
    oxygen_slot_.release();
  }

 private:
  lab::Semaphore hydrogen_slots_{2, "hydrogen_slots"};
  lab::Semaphore oxygen_slot_{1, "oxygen_slot"};
  lab::Barrier bond_{3, "bond"};
};
