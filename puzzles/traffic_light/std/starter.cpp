// traffic_light — starter, standard C++. Copy it (`lab new traffic_light --std`), then make
// the cars take turns.
//
// As given, every car crosses at once, whatever the light: `lab check` shows cars crossing
// on red. Keep track of which road is green, turn it when a car of the other road comes,
// and keep the two roads from crossing at the same time, with a std::mutex (every plain
// read and write is race-checked, so the light must be read under the lock too). Keep the
// class signature exactly.
#include <functional>
#include <mutex>

class TrafficLight {
 public:
  TrafficLight() {}

  void carArrived(int carId,                         // ID of the car
                  int roadId,                        // ID of the road the car travels on: 1 (A) or 2 (B)
                  int direction,                     // 1, 2: road A; 3, 4: road B
                  std::function<void()> turnGreen,   // turns the light of this car's road green
                  std::function<void()> crossCar) {  // makes the car cross the intersection
    (void)carId;
    (void)roadId;
    (void)direction;
    (void)turnGreen;
    // TODO: if this car's road is red, turn it green first; cross only while it is green.
    crossCar();
  }

 private:
  // TODO: e.g. std::mutex m_; int green_ = 1;
};
