// lab-expect: self-deadlock
// carArrived takes the lock and calls a helper that takes it again. A std::mutex is not
// reentrant: locking it again on the thread that holds it is undefined behaviour in C++,
// and with glibc the thread waits for itself for ever. Take the lock once, or have the
// helper require that its caller holds it.
#include <functional>
#include <mutex>

class TrafficLight {
  std::mutex mtx;
  int green = 1;

  void switchTo(int roadId, const std::function<void()>& turnGreen) {
    std::lock_guard<std::mutex> lock(mtx);  // BUG: the caller already holds mtx
    turnGreen();
    green = roadId;
  }

 public:
  TrafficLight() {}

  void carArrived(int carId, int roadId, int direction, std::function<void()> turnGreen,
                  std::function<void()> crossCar) {
    std::lock_guard<std::mutex> lock(mtx);
    if (green != roadId) switchTo(roadId, turnGreen);
    crossCar();
  }
};
