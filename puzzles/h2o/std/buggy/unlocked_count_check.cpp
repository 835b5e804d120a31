// lab-expect: data-race
// "Check first, lock only to change": each atom spins on the plain counter, yielding,
// until there is room, and only then takes the lock. The reads of `h` and `o` outside the
// lock race with the other threads' writes under it (undefined behaviour on plain ints),
// and the check and the increment are not one step, so two hydrogens can both see room
// for one. Wait under the lock, on a condition variable.
#include <functional>
#include <mutex>
#include <thread>

class H2O {
  std::mutex m;
  int h = 0;
  int o = 0;

 public:
  H2O() {}

  void hydrogen(std::function<void()> releaseHydrogen) {
    while (h == 2) std::this_thread::yield();  // BUG: read without the lock
    std::lock_guard<std::mutex> lk(m);
    ++h;
    releaseHydrogen();
    if (h == 2 && o == 1) h = o = 0;
  }

  void oxygen(std::function<void()> releaseOxygen) {
    while (o == 1) std::this_thread::yield();  // BUG: read without the lock
    std::lock_guard<std::mutex> lk(m);
    ++o;
    releaseOxygen();
    if (h == 2 && o == 1) h = o = 0;
  }
};
