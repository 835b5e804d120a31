// lab-expect: wrong-output
// The lock covers switching the light but not crossing: once a car of road 1 has released
// the lock and is crossing, a car of road 2 turns its road green and crosses too. Crossing
// is part of what must not overlap: hold the lock until crossCar() returns.
#include <functional>
#include <mutex>

class TrafficLight {
  std::mutex mtx;
  int green = 1;

 public:
  TrafficLight() {}

  void carArrived(int carId, int roadId, int direction, std::function<void()> turnGreen,
                  std::function<void()> crossCar) {
    {
      std::lock_guard<std::mutex> lock(mtx);
      if (green != roadId) {
        turnGreen();
        green = roadId;
      }
    }
    crossCar();  // BUG: the other road may turn green meanwhile
  }
};
