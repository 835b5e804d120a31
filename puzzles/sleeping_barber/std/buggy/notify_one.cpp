// lab-expect: stall
// notify_one where the waiters wait for different conditions: the barber waits for "a
// customer sits", each customer for "my ticket is called", all on one condition variable.
// A customer's notify_one may wake another waiting customer instead of the barber, and the
// barber's call may wake a customer whose ticket it is not: the woken thread checks its
// predicate and sleeps again, the right one is never woken, and the shop stalls. With one
// condition variable and several conditions, notify_all.
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
    cv.notify_one();  // BUG: meant for the barber, may wake a customer
    cv.wait(lk, [&] { return called > ticket; });
    lk.unlock();
    getHaircut();
    lk.lock();
    ++finished;
    cv.notify_one();
    return true;
  }

  void barber(std::function<void()> cutHair, int customers) {
    for (int i = 0; i < customers; ++i) {
      std::unique_lock<std::mutex> lk(m);
      cv.wait(lk, [this] { return waiting > 0; });
      --waiting;
      ++called;
      cv.notify_one();  // BUG: may wake a customer whose ticket is not called
      lk.unlock();
      cutHair();
      lk.lock();
      cv.wait(lk, [this] { return finished == called; });
    }
  }
};
