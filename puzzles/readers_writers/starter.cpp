// readers_writers — starter. Copy it (`lab new readers_writers`), then build the lock.
//
// As given, nothing is locked: `lab check` shows writers beside readers. Let readers hold
// the lock together and a writer alone, and make readers who arrive after a waiting writer
// wait for it. Use lab::Mutex and lab::CondVar (or lab::Semaphore); lab::SharedMutex is
// not allowed here. Keep the class signature exactly.
#include <mutex>

#include "lab/sync.h"

class RWLock {
 public:
  RWLock() {}

  void lock_read() {
    // TODO: wait while a writer holds the lock or is waiting for it.
  }

  void unlock_read() {
    // TODO
  }

  void lock_write() {
    // TODO: wait until nobody holds the lock.
  }

  void unlock_write() {
    // TODO
  }

 private:
  // TODO: e.g. lab::Mutex mu_{"mu"}; lab::CondVar changed_{"changed"};
  // Keep counters in lab::Shared<int> (guarded by the mutex), so the lab can check them.
};
