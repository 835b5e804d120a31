// traffic_light — reference solution in standard C++: one std::mutex around the whole
// crossing, and the green road in a plain int it guards.
//
// A car checks the light, turns it if its road is red, and crosses, all under one lock.
// Holding the lock while crossCar() runs is what keeps the other road from turning green
// (and its cars from crossing) in the middle of a crossing.
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
    (void)direction;
    std::lock_guard<std::mutex> lk(m_);
    if (green_ != roadId) {
      turnGreen();
      green_ = roadId;
    }
    crossCar();
  }

 private:
  std::mutex m_;
  int green_ = 1;  // road 1 (A) starts green; guarded by m_
};
