// sleeping_barber — starter, standard C++. Copy it (`lab new sleeping_barber --std`), then
// synchronise the shop.
//
// As given, nobody waits for anybody: customers take a chair and get their haircut at once,
// the barber cuts `customers` times without a customer in the chair, and the chair count is
// changed without a lock. `lab check` reports races (every plain read and write is
// race-checked) and haircuts that pair nobody. Make the barber sleep until a customer
// waits, call one customer at a time, and finish each haircut (both callbacks) before
// calling the next: a std::mutex and a std::condition_variable (wait with a predicate), or
// std::counting_semaphores as in the Little Book of Semaphores. Keep the class signature
// exactly.
#include <condition_variable>
#include <functional>
#include <mutex>

class BarberShop {
 public:
  explicit BarberShop(int chairs) : chairs_(chairs) {}

  // Returns false at once when every waiting chair is taken; otherwise waits for the
  // barber, gets the haircut and returns true.
  bool customer(std::function<void()> getHaircut) {
    // TODO: check and take a chair under a lock; wait until the barber calls you.
    if (waiting_ == chairs_) return false;
    ++waiting_;
    getHaircut();
    return true;
  }

  // Serves exactly `customers` haircuts, one at a time.
  void barber(std::function<void()> cutHair, int customers) {
    for (int i = 0; i < customers; ++i) {
      // TODO: sleep until a customer waits; call one; wait until the haircut is over.
      cutHair();
    }
  }

 private:
  const int chairs_;
  int waiting_ = 0;  // occupied waiting chairs
  // TODO: a std::mutex, and a std::condition_variable (or semaphores) for the hand-offs.
};
