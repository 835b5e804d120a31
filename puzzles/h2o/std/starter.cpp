// h2o (LC 1117), in standard C++. Copy it (`lab new h2o --std`), then make the atoms wait
// for each other.
//
// As given, every atom is released at once, in whatever order the threads happen to run:
// `lab check` shows groups like "OOH" or "HHH". Make each thread wait until it can form a
// molecule with two others, using a std::mutex and a std::condition_variable (or
// std::counting_semaphore and std::barrier). Keep any counters you need in plain ints
// guarded by the mutex: the lab checks every access to them for races. Keep the class
// signature exactly.
#include <condition_variable>
#include <functional>
#include <mutex>

class H2O {
 public:
  H2O() {}

  // Called once by each hydrogen thread.
  void hydrogen(std::function<void()> releaseHydrogen) {
    // TODO: wait until this hydrogen can bond with one more hydrogen and an oxygen.
    releaseHydrogen();
  }

  // Called once by each oxygen thread.
  void oxygen(std::function<void()> releaseOxygen) {
    // TODO: wait until this oxygen can bond with two hydrogens.
    releaseOxygen();
  }

 private:
  // TODO: e.g. std::mutex m; std::condition_variable cv; int h = 0, o = 0;
};
