// lab-expect: wrong-output
// The barber cuts hair while holding the shop's lock: cutHair() runs between lock and
// done.wait(). A customer who arrives meanwhile cannot even look at the chairs: he blocks
// on the mutex until the haircut is over, and only then finds the shop full and leaves,
// 20 ms after he came, where the contract says he leaves at once. Nothing deadlocks and
// every haircut is right; only the walk-out is late. Hold the lock to change the shared
// counts, not while the slow work (cutHair, getHaircut) is under way.
#include <condition_variable>
#include <functional>
#include <mutex>

class BarberShop {
  std::mutex m;
  std::condition_variable customer_ready, barber_ready, done;
  int chairs, waiting = 0;
  int called = 0, finished = 0, ticket = 0;
 public:
  explicit BarberShop(int chairs) : chairs(chairs) {}
  bool customer(std::function<void()> getHaircut) {
    std::unique_lock<std::mutex> lk(m);
    if (waiting == chairs) return false;
    ++waiting;
    int my = ++ticket;
    customer_ready.notify_one();
    barber_ready.wait(lk, [&] { return called >= my; });
    getHaircut();
    ++finished;
    done.notify_all();
    return true;
  }
  void barber(std::function<void()> cutHair, int customers) {
    for (int i = 0; i < customers; ++i) {
      std::unique_lock<std::mutex> lk(m);
      customer_ready.wait(lk, [&] { return waiting > 0; });
      --waiting;
      ++called;
      barber_ready.notify_all();
      cutHair();  // BUG: 50 ms with m held: no customer can look at the chairs
      done.wait(lk, [&] { return finished >= called; });
    }
  }
};
