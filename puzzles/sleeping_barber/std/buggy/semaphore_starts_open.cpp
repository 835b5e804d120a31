// lab-expect: wrong-output
// The Little Book of Semaphores' barbershop (5.2) with std::counting_semaphore, but the
// "a customer is waiting" semaphore is created with 1 permit: the barber finds a permit
// before anybody came, calls an empty chair and cuts the air. Every hand-off semaphore of
// the rendezvous starts at 0.
#include <functional>
#include <mutex>
#include <semaphore>

class BarberShop {
  int n;
  int customers = 0;  // waiting chairs taken; guarded by mutex
  std::mutex mutex;
  std::counting_semaphore<> customerSem{1};  // BUG: should start at 0
  std::counting_semaphore<> barberSem{0};
  std::counting_semaphore<> customerDone{0};
  std::counting_semaphore<> barberDone{0};

 public:
  explicit BarberShop(int chairs) : n(chairs) {}

  bool customer(std::function<void()> getHaircut) {
    {
      std::lock_guard<std::mutex> lk(mutex);
      if (customers == n) return false;  // balk
      ++customers;
    }
    customerSem.release();
    barberSem.acquire();
    getHaircut();
    customerDone.release();
    barberDone.acquire();
    return true;
  }

  void barber(std::function<void()> cutHair, int haircuts) {
    for (int i = 0; i < haircuts; ++i) {
      customerSem.acquire();
      {
        std::lock_guard<std::mutex> lk(mutex);
        --customers;
      }
      barberSem.release();
      cutHair();
      customerDone.acquire();
      barberDone.release();
    }
  }
};
