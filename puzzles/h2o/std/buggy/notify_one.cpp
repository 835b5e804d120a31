// lab-expect: stall
// notify_one where the waiters wait for different conditions: hydrogens wait for room
// for a hydrogen, oxygens for room for an oxygen, all on one condition variable. After a
// release only one waiter is woken, and it may be a hydrogen when only an oxygen can go
// on: it finds no room, waits again, the notification is spent, and the oxygen that the
// molecule needs sleeps for ever. With one condition variable for several conditions,
// notify_all (or one condition variable per condition).
#include <condition_variable>
#include <functional>
#include <mutex>

class H2O {
  std::mutex m;
  std::condition_variable cv;
  int h = 0;
  int o = 0;

 public:
  H2O() {}

  void hydrogen(std::function<void()> releaseHydrogen) {
    std::unique_lock<std::mutex> lk(m);
    cv.wait(lk, [this] { return h < 2; });
    ++h;
    releaseHydrogen();
    if (h == 2 && o == 1) h = o = 0;
    cv.notify_one();  // BUG: may wake a hydrogen when the oxygen is needed
  }

  void oxygen(std::function<void()> releaseOxygen) {
    std::unique_lock<std::mutex> lk(m);
    cv.wait(lk, [this] { return o < 1; });
    ++o;
    releaseOxygen();
    if (h == 2 && o == 1) h = o = 0;
    cv.notify_one();  // BUG: may wake an oxygen when hydrogens are needed
  }
};
