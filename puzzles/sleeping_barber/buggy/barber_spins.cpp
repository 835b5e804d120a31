// lab-expect: livelock
// The barber does not sleep while the shop is empty: he keeps taking the lock and looking
// at the chairs, a busy-wait. The contract says he blocks while nobody waits; one_by_one,
// where nobody waits for most of the day, does not schedule a polling thread fairly, so he
// keeps the CPU, no customer ever comes and the spin never ends: a livelock. The barber
// must block (customer_ready_.acquire()) until a customer is there, not poll.
#include <functional>
#include <mutex>

#include "lab/sync.h"

class BarberShop {
 public:
  explicit BarberShop(int chairs) : chairs_(chairs) {}

  bool customer(std::function<void()> getHaircut) {
    {
      std::lock_guard lk(mu_);
      if (waiting_.load() == chairs_) return false;  // every chair taken: leave at once
      waiting_ += 1;                                  // take a chair
    }
    customer_ready_.release();  // wake the barber (or leave him a permit)
    barber_ready_.acquire();    // wait until he calls me; he freed my waiting chair
    getHaircut();
    customer_done_.release();   // my part of the haircut is over...
    barber_done_.acquire();     // ...and I leave once his is too
    return true;
  }

  void barber(std::function<void()> cutHair, int customers) {
    for (int i = 0; i < customers; ++i) {
      // Spin until a chair is taken instead of sleeping on customer_ready_.
      while (true) {
        std::lock_guard lk(mu_);
        if (waiting_.load() > 0) {
          waiting_ -= 1;  // the customer gives up the waiting chair
          break;
        }
      }
      customer_ready_.acquire();  // a customer is there: his permit is already released
      barber_ready_.release();  // call exactly one waiting customer
      cutHair();
      customer_done_.acquire();  // both sides of this haircut are over
      barber_done_.release();    // before the next customer is called
    }
  }

 private:
  const int chairs_;
  lab::Mutex mu_{"shop"};
  lab::Shared<int> waiting_{0, "waiting"};  // occupied waiting chairs
  lab::Semaphore customer_ready_{0, "customer_ready"};
  lab::Semaphore barber_ready_{0, "barber_ready"};
  lab::Semaphore customer_done_{0, "customer_done"};
  lab::Semaphore barber_done_{0, "barber_done"};
};
