// lab-expect: wrong-output
// One lock per road: cars of the same road take turns, but a car of road 1 and a car of
// road 2 hold different locks, so nothing stops them from crossing at the same time (and
// the light they both change is guarded by neither). The two roads share one crossing: one
// lock for both.
#include <functional>
#include <mutex>

#include "lab/sync.h"

class TrafficLight {
 public:
  TrafficLight() {}

  void carArrived(int carId, int roadId, int direction, std::function<void()> turnGreen,
                  std::function<void()> crossCar) {
    std::lock_guard lk(roadId == 1 ? road_a_ : road_b_);  // BUG: two roads, two locks
    if (green_.load() != roadId) {
      turnGreen();
      green_.store(roadId);
    }
    crossCar();
  }

 private:
  lab::Mutex road_a_{"road_a"};
  lab::Mutex road_b_{"road_b"};
  lab::Atomic<int> green_{1, "green"};
};
