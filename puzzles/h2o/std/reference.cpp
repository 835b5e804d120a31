// h2o — reference solution in standard C++, the monitor answer: one std::mutex, one
// std::condition_variable and two plain counters of the atoms released in the current
// molecule.
//
// A hydrogen waits while the molecule already has its two hydrogens, an oxygen while it
// has its oxygen; each releases under the lock, and the atom that completes the molecule
// resets the counters for the next one. Releases happen under the lock, so every
// consecutive group of three releases is one molecule: two H and one O. Hydrogens and
// oxygens wait for different conditions on one condition variable, so notify_all.
#include <condition_variable>
#include <functional>
#include <mutex>

class H2O {
  std::mutex m;
  std::condition_variable cv;
  int h = 0;  // hydrogens released in the current molecule; guarded by m
  int o = 0;  // oxygens released in the current molecule; guarded by m

 public:
  H2O() {}

  void hydrogen(std::function<void()> releaseHydrogen) {
    std::unique_lock<std::mutex> lk(m);
    cv.wait(lk, [this] { return h < 2; });
    ++h;
    releaseHydrogen();
    if (h == 2 && o == 1) h = o = 0;
    cv.notify_all();
  }

  void oxygen(std::function<void()> releaseOxygen) {
    std::unique_lock<std::mutex> lk(m);
    cv.wait(lk, [this] { return o < 1; });
    ++o;
    releaseOxygen();
    if (h == 2 && o == 1) h = o = 0;
    cv.notify_all();
  }
};
