// lab-expect: self-deadlock
// carArrived takes the lock and calls a helper that takes it again. A lab::Mutex (like
// std::mutex and Python's Lock) is not reentrant: the second lock() waits for the first,
// which its own thread holds, for ever. Take the lock once, or have the helper require
// that its caller holds it.
#include <functional>
#include <mutex>

#include "lab/sync.h"

class TrafficLight {
 public:
  TrafficLight() {}

  void carArrived(int carId, int roadId, int direction, std::function<void()> turnGreen,
                  std::function<void()> crossCar) {
    std::lock_guard lk(mu_);
    if (green_ != roadId) SwitchTo(roadId, turnGreen);
    crossCar();
  }

 private:
  void SwitchTo(int roadId, const std::function<void()>& turnGreen) {
    std::lock_guard lk(mu_);  // BUG: the caller already holds mu_
    turnGreen();
    green_ = roadId;
  }

  lab::Mutex mu_{"mu"};
  lab::Shared<int> green_{1, "green"};
};
