// lab-expect: data-race wrong-output
// No lock at all: two cars read and write the light at the same time (a data race), and
// check-then-act is not atomic, so both roads can believe they are green.
#include <functional>

#include "lab/sync.h"

class TrafficLight {
 public:
  TrafficLight() {}

  void carArrived(int carId, int roadId, int direction, std::function<void()> turnGreen,
                  std::function<void()> crossCar) {
    if (green_.load() != roadId) {  // BUG: unsynchronised check-then-act
      turnGreen();
      green_.store(roadId);
    }
    crossCar();
  }

 private:
  lab::Shared<int> green_{1, "green"};
};
