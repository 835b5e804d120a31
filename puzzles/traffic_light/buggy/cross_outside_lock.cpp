// lab-expect: wrong-output
// The lock covers switching the light but not crossing: once a car of road 1 has released
// the lock and is crossing, a car of road 2 turns its road green and crosses too. Crossing
// is part of what must not overlap: hold the lock until crossCar() returns.
#include <functional>
#include <mutex>

#include "lab/sync.h"

class TrafficLight {
 public:
  TrafficLight() {}

  void carArrived(int carId, int roadId, int direction, std::function<void()> turnGreen,
                  std::function<void()> crossCar) {
    {
      std::lock_guard lk(mu_);
      if (green_ != roadId) {
        turnGreen();
        green_ = roadId;
      }
    }
    crossCar();  // BUG: the other road may turn green meanwhile
  }

 private:
  lab::Mutex mu_{"mu"};
  lab::Shared<int> green_{1, "green"};
};
