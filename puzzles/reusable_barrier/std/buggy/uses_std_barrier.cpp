// lab-expect: wrong-output
// Wrapping the standard library's barrier: it works, but it skips the exercise, which is
// to build a reusable barrier from a mutex and a condition variable, or from semaphores.
// The spec rejects std::barrier here, as it rejects lab::Barrier.
#include <barrier>

class Barrier {
 public:
  explicit Barrier(int n) : inner_(n) {}

  void wait() { inner_.arrive_and_wait(); }

 private:
  std::barrier<> inner_;  // BUG: not allowed in this puzzle
};
