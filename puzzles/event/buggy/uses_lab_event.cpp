// lab-expect: wrong-output
// Wrapping the lab's own Event: it behaves, but it skips the exercise, which is to build
// an event from a lock, a condition variable and a flag. The spec rejects lab::Event here.
#include "lab/sync.h"

class Event {
 public:
  Event() {}

  void set() { inner_.set(); }
  void clear() { inner_.clear(); }
  bool is_set() { return inner_.is_set(); }
  void wait() { inner_.wait(); }

 private:
  lab::Event inner_{"inner"};  // BUG: not allowed in this puzzle
};
