// sleeping_barber — starter. Copy it (`lab new sleeping_barber`), then synchronise the shop.
//
// As given, nobody waits for anybody: customers take a chair and get their haircut at once,
// the barber cuts `customers` times without a customer in the chair, and the chair count is
// changed without a lock. `lab check` reports races and haircuts that pair nobody. Make the
// barber sleep until a customer waits, call one customer at a time, and finish each haircut
// (both callbacks) before calling the next. Keep the class signature exactly.
#include <functional>
#include <mutex>

#include "lab/sync.h"

class BarberShop {
 public:
  explicit BarberShop(int chairs) : chairs_(chairs) {}

  // Returns false at once when every waiting chair is taken; otherwise waits for the
  // barber, gets the haircut and returns true.
  bool customer(std::function<void()> getHaircut) {
    // TODO: check and take a chair under a lock; wait until the barber calls you.
    if (waiting_.load() == chairs_) return false;
    waiting_ += 1;
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
  lab::Shared<int> waiting_{0, "waiting"};  // occupied waiting chairs
  // TODO: a lab::Mutex, and lab::Semaphores (or a lab::CondVar) for the hand-offs.
};
