// lab-expect: wrong-output
// One mutex per road: cars of the same road take turns, but a car of road 1 and a car of
// road 2 hold different mutexes, so nothing stops them from crossing at the same time.
// (The light is a std::atomic, so it is not a data race; the crossing is still not
// exclusive.) The two roads share one crossing: one mutex for both.
#include <atomic>
#include <functional>
#include <mutex>

class TrafficLight {
  std::mutex roadA, roadB;
  std::atomic<int> green{1};

 public:
  TrafficLight() {}

  void carArrived(int carId, int roadId, int direction, std::function<void()> turnGreen,
                  std::function<void()> crossCar) {
    std::lock_guard<std::mutex> lock(roadId == 1 ? roadA : roadB);  // BUG: two roads, two locks
    if (green.load() != roadId) {
      turnGreen();
      green.store(roadId);
    }
    crossCar();
  }
};
