// lab-expect: unlock-not-owner
// The Little Book of Semaphores' solution translated line by line: the thread that
// completes a molecule keeps the mutex while the molecule bonds, and the oxygen releases
// it after the barrier. With a semaphore as the mutex that is legal; a lab::Mutex (like
// std::mutex) is owned, and when a hydrogen completed the molecule, the oxygen unlocks a
// mutex it does not own. Use a lab::Semaphore{1} for a "mutex" that one thread takes and
// another gives back.
#include <functional>

#include "lab/sync.h"

class H2O {
 public:
  H2O() {}

  void hydrogen(std::function<void()> releaseHydrogen) {
    mu_.lock();
    hydrogens_ += 1;
    if (hydrogens_ >= 2 && oxygens_ >= 1) {
      hydro_queue_.release(2);
      hydrogens_ -= 2;
      oxy_queue_.release();
      oxygens_ -= 1;
    } else {
      mu_.unlock();
    }
    hydro_queue_.acquire();
    releaseHydrogen();
    bond_.wait();
  }

  void oxygen(std::function<void()> releaseOxygen) {
    mu_.lock();
    oxygens_ += 1;
    if (hydrogens_ >= 2) {
      hydro_queue_.release(2);
      hydrogens_ -= 2;
      oxy_queue_.release();
      oxygens_ -= 1;
    } else {
      mu_.unlock();
    }
    oxy_queue_.acquire();
    releaseOxygen();
    bond_.wait();
    mu_.unlock();  // BUG: locked by whichever thread completed the molecule
  }

 private:
  lab::Mutex mu_{"mu"};
  lab::Semaphore oxy_queue_{0, "oxy_queue"};
  lab::Semaphore hydro_queue_{0, "hydro_queue"};
  lab::Barrier bond_{3, "bond"};
  lab::Shared<int> hydrogens_{0, "hydrogens"};
  lab::Shared<int> oxygens_{0, "oxygens"};
};
