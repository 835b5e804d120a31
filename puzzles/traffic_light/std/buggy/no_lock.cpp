// lab-expect: data-race wrong-output
// No lock at all: two cars read and write the light at the same time (a data race on a
// plain int, undefined behaviour in C++), and check-then-act is not atomic, so both roads
// can believe they are green and their cars cross together.
#include <functional>

class TrafficLight {
  int green = 1;

 public:
  TrafficLight() {}

  void carArrived(int carId, int roadId, int direction, std::function<void()> turnGreen,
                  std::function<void()> crossCar) {
    if (green != roadId) {  // BUG: unsynchronised check-then-act
      turnGreen();
      green = roadId;
    }
    crossCar();
  }
};
