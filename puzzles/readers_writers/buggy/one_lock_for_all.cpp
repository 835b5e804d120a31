// lab-expect: too-slow wrong-output
// One mutex for readers and writers alike: always safe, but readers take turns although
// they only read, so a lock meant for many readers runs them one after another. Readers
// should hold the lock together; only a writer needs it alone.
#include "lab/sync.h"

class RWLock {
 public:
  RWLock() {}

  void lock_read() { mu_.lock(); }  // BUG: readers exclude each other
  void unlock_read() { mu_.unlock(); }
  void lock_write() { mu_.lock(); }
  void unlock_write() { mu_.unlock(); }

 private:
  lab::Mutex mu_{"mu"};
};
