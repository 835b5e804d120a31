// lab-expect: wrong-output
// `if` around cv.wait: the barber checks once whether somebody is waiting and then sleeps;
// when he wakes (a customer's notify, or spuriously, as C++ allows: the lab makes that
// happen) he goes on without checking again and may call an empty chair. The customers do
// the same, so a customer woken by the call meant for another one gets a haircut out of
// turn. Re-check after every wake-up: `while`, or the predicate form of wait.
#include <condition_variable>
#include <functional>
#include <mutex>

class BarberShop {
  int chairs;
  int waiting = 0;
  long tickets = 0, called = 0, finished = 0;
  std::mutex m;
  std::condition_variable cv;

 public:
  explicit BarberShop(int chairs) : chairs(chairs) {}

  bool customer(std::function<void()> getHaircut) {
    std::unique_lock<std::mutex> lk(m);
    if (waiting == chairs) return false;
    ++waiting;
    long ticket = tickets++;
    cv.notify_all();
    if (called <= ticket) cv.wait(lk);  // BUG: while
    lk.unlock();
    getHaircut();
    lk.lock();
    ++finished;
    cv.notify_all();
    return true;
  }

  void barber(std::function<void()> cutHair, int customers) {
    for (int i = 0; i < customers; ++i) {
      std::unique_lock<std::mutex> lk(m);
      if (waiting == 0) cv.wait(lk);  // BUG: while
      --waiting;
      ++called;
      cv.notify_all();
      lk.unlock();
      cutHair();
      lk.lock();
      if (finished != called) cv.wait(lk);  // BUG: while
    }
  }
};
