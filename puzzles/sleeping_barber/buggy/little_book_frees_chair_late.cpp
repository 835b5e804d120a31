// lab-expect: wrong-output
// The Little Book of Semaphores' 5.2 as printed: `customers` counts everyone in the shop,
// and a customer gives his place back only after his haircut. Here the shop has `chairs`
// waiting chairs besides the barber chair, so the customer being served still counts
// against them: with 1 chair, bob (10 ms) is turned away while ann is in the barber chair
// and the waiting chair is free, and the barber waits for a haircut that never comes.
#include <functional>

#include "lab/sync.h"

class BarberShop {
 public:
  explicit BarberShop(int chairs) : n_(chairs) {}

  bool customer(std::function<void()> getHaircut) {
    mutex_.acquire();
    if (customers_.load() == n_) {
      mutex_.release();
      return false;  // balk
    }
    customers_ += 1;
    mutex_.release();

    customer_.release();
    barber_.acquire();
    getHaircut();
    customer_done_.release();
    barber_done_.acquire();

    mutex_.acquire();
    customers_ -= 1;  // only now is his place free
    mutex_.release();
    return true;
  }

  void barber(std::function<void()> cutHair, int customers) {
    for (int i = 0; i < customers; ++i) {
      customer_.acquire();
      barber_.release();
      cutHair();
      customer_done_.acquire();
      barber_done_.release();
    }
  }

 private:
  const int n_;
  lab::Lock mutex_{"mutex"};
  lab::Shared<int> customers_{0, "customers"};
  lab::Semaphore customer_{0, "customer"};
  lab::Semaphore barber_{0, "barber"};
  lab::Semaphore customer_done_{0, "customerDone"};
  lab::Semaphore barber_done_{0, "barberDone"};
};
