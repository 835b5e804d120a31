// lab-expect: wrong-output
// Every car turns its light green, whether it is red or not. Safe, but not the contract
// (LeetCode rejects it too): turnGreen() is for a road that is red. Remember which road is
// green, and switch only when it is the other one.
#include <functional>
#include <mutex>

#include "lab/sync.h"

class TrafficLight {
 public:
  TrafficLight() {}

  void carArrived(int carId, int roadId, int direction, std::function<void()> turnGreen,
                  std::function<void()> crossCar) {
    std::lock_guard lk(mu_);
    turnGreen();  // BUG: also when this road is already green
    crossCar();
  }

 private:
  lab::Mutex mu_{"mu"};
};
