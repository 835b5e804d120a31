// lab-expect: livelock
// Busy-waiting on an atomic generation number: no lock is held while spinning, so it looks
// cheap, but the waiting threads never sleep. They burn the CPU the late thread needs, and
// under the lab's scheduler the late thread never gets its turn (a `livelock`). Block on a
// condition variable (or a semaphore) instead.
#include "lab/sync.h"

class Barrier {
 public:
  explicit Barrier(int n) : n_(n) {}

  void wait() {
    const long mine = generation_.load();
    if (arrived_.fetch_add(1) + 1 == n_) {
      arrived_.store(0);
      generation_.fetch_add(1);
      return;
    }
    while (generation_.load() == mine) lab::yield();  // BUG: spins
  }

 private:
  const int n_;
  lab::Atomic<int> arrived_{0, "arrived"};
  lab::Atomic<long> generation_{0, "generation"};
};
