// lab-expect: livelock
// A spin loop on an atomic flag: no lock, no race, but the waiters never sleep. They keep
// the CPU busy doing nothing, and the thread that would call set() may not get to run
// (under the lab's scheduler it never does: the run ends in `livelock`). Block on a
// condition variable instead of spinning.
#include "lab/sync.h"

class Event {
 public:
  Event() {}

  void set() { flag_.store(true); }
  void clear() { flag_.store(false); }
  bool is_set() { return flag_.load(); }

  void wait() {
    while (!flag_.load()) lab::yield();  // BUG: spins
  }

 private:
  lab::Atomic<bool> flag_{false, "flag"};
};
