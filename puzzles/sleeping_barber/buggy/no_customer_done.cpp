// lab-expect: wrong-output
// The barber calls the next customer as soon as his own cutHair() returns, without waiting
// for the customer in the chair to finish getHaircut(). When getting a haircut takes longer
// than cutting it, the next customer sits down while the previous one is still in the
// chair: two haircuts overlap. The rendezvous needs both directions: customer_done as well
// as barber_ready.
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
    return true;
  }

  void barber(std::function<void()> cutHair, int customers) {
    for (int i = 0; i < customers; ++i) {
      customer_ready_.acquire();  // sleep until a customer is waiting
      {
        std::lock_guard lk(mu_);
        waiting_ -= 1;  // the customer gives up the waiting chair
      }
      barber_ready_.release();  // call exactly one waiting customer
      cutHair();
    }
  }

 private:
  const int chairs_;
  lab::Mutex mu_{"shop"};
  lab::Shared<int> waiting_{0, "waiting"};  // occupied waiting chairs
  lab::Semaphore customer_ready_{0, "customer_ready"};
  lab::Semaphore barber_ready_{0, "barber_ready"};
};
