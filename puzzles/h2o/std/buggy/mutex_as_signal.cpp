// lab-expect: unlock-not-owner
// A well-liked answer that signals with std::mutex: the constructor locks `oxygenGate`, the
// second hydrogen of a molecule unlocks it to let an oxygen in, and the oxygen unlocks
// `hydrogenGate`, which a hydrogen locked. The output is right, but a std::mutex may be
// unlocked only by the thread that locked it; unlocking it from another thread is
// undefined behaviour in C++. Signal with std::counting_semaphore (or a condition
// variable and counters) instead.
#include <functional>
#include <mutex>

class H2O {
  std::mutex hydrogenGate, oxygenGate;
  int hydrogens = 0;

 public:
  H2O() { oxygenGate.lock(); }

  void hydrogen(std::function<void()> releaseHydrogen) {
    hydrogenGate.lock();
    releaseHydrogen();
    if (++hydrogens == 2) {
      oxygenGate.unlock();  // BUG: locked by the constructor's thread
    } else {
      hydrogenGate.unlock();
    }
  }

  void oxygen(std::function<void()> releaseOxygen) {
    oxygenGate.lock();
    releaseOxygen();
    hydrogens = 0;
    hydrogenGate.unlock();  // BUG: locked by a hydrogen thread
  }
};
