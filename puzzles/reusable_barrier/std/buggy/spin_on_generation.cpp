// lab-expect: data-race
// The arrival is counted under the lock, but the waiters then spin on the generation with
// the lock released, reading a plain int that the last thread writes under the lock: a
// data race, undefined behaviour in C++ (the compiler may read it once and spin for ever),
// and a waste of the CPU the late thread needs. Wait on the condition variable instead, or
// at the very least make the generation a std::atomic.
#include <mutex>
#include <thread>

class Barrier {
  int n;
  int count = 0;
  int generation = 0;
  std::mutex m;

 public:
  explicit Barrier(int n) : n(n) {}

  void wait() {
    std::unique_lock<std::mutex> lk(m);
    const int gen = generation;
    if (++count == n) {
      count = 0;
      ++generation;
      return;
    }
    lk.unlock();
    while (generation == gen) std::this_thread::yield();  // BUG: read without the lock
  }
};
