// reusable_barrier — starter, standard C++. Copy it (`lab new reusable_barrier --std`), then
// make it a barrier.
//
// As given, wait() lets every thread through at once: `lab check` shows threads that pass
// before the others have arrived. Make wait() block until all n threads have called it,
// round after round, with std::mutex and std::condition_variable (or
// std::counting_semaphore); std::barrier and std::latch are not allowed here. Keep the
// class signature exactly.
#include <condition_variable>
#include <mutex>

class Barrier {
 public:
  explicit Barrier(int n) : n_(n) {}

  // Blocks until all n threads have called wait() for this round.
  void wait() {
    // TODO
  }

 private:
  const int n_;
  // TODO: e.g. std::mutex m_; std::condition_variable cv_; and plain counters, every
  // access to them under m_ (the lab race-checks every plain read and write).
};
