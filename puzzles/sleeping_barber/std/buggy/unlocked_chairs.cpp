// lab-expect: data-race
// The customer looks at the chairs before taking the lock ("if the shop is full I leave at
// once, no need to lock"): a plain int read without the lock while the barber and other
// customers write it under the lock, a data race (undefined behaviour in C++), and the
// check is stale by the time the customer sits: the shop can overfill. Check and take the
// chair in one critical section.
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
    if (waiting == chairs) return false;  // BUG: read without the lock
    std::unique_lock<std::mutex> lk(m);
    ++waiting;
    long ticket = tickets++;
    cv.notify_all();
    cv.wait(lk, [&] { return called > ticket; });
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
      cv.wait(lk, [this] { return waiting > 0; });
      --waiting;
      ++called;
      cv.notify_all();
      lk.unlock();
      cutHair();
      lk.lock();
      cv.wait(lk, [this] { return finished == called; });
    }
  }
};
