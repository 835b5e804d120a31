// Spec of the traffic_light puzzle (LC 1279): one thread per car. Road 1 (directions 1, 2)
// starts green, road 2 (directions 3, 4) red. A car turns its road green only when it is
// red, crosses only on green, and cars of the two roads never cross at the same time.
#include <atomic>
#include <chrono>
#include <string>
#include <vector>

LAB_PUZZLE("traffic_light");

namespace {

using namespace std::chrono_literals;

struct Car {
  int id;
  int direction;                 // 1, 2: road 1; 3, 4: road 2
  std::chrono::milliseconds at;  // arrival, in virtual time
};

int RoadOf(int direction) { return direction <= 2 ? 1 : 2; }

void DriveCars(const std::vector<Car>& cars) {
  TrafficLight light;
  lab::spec::Recorder out;
  // The spec's model of the light and of who is on the crossing, in std::atomic (which the
  // detector does not see, so it adds no happens-before edge the solution lacks).
  std::atomic<int> green{1};
  std::atomic<int> crossing[3] = {0, 0, 0};
  std::vector<std::atomic<int>> crossed(cars.size());
  for (auto& c : crossed) c.store(0);
  std::atomic<bool> failed{false};
  // A wrong event points at the car's thread and the student's line that called it
  // (item k of `out`, recorded before it is checked).
  auto fail = [&](const std::string& m, std::size_t k) {
    if (!failed.exchange(true)) lab::spec::Fail(m, out.blame(k));
  };

  std::vector<lab::Thread> threads;
  for (std::size_t i = 0; i < cars.size(); ++i) {
    const Car car = cars[i];
    const int road = RoadOf(car.direction), other = 3 - road;
    const std::string me = "car " + std::to_string(car.id) + " (road " + std::to_string(road) +
                           ", direction " + std::to_string(car.direction) + ")";
    auto turn_green = [&, road, other, me] {
      const bool was_green = green.load() == road;
      const bool others_crossing = crossing[other].load() > 0;
      green.store(road);
      const std::size_t k =
          out.emit("car " + std::to_string(car.id) + ": road " + std::to_string(road) + " green",
                   "turns road " + std::to_string(road) + " green");
      if (was_green) {
        fail(me + " called turnGreen() while its road was already green: call it only when "
                  "your road is red (the light is shared state: check it under the lock)", k);
      } else if (others_crossing) {
        fail(me + " turned road " + std::to_string(road) + " green while a car of road " +
             std::to_string(other) + " was crossing: that car is now on red", k);
      }
    };
    auto cross = [&, i, road, other, me] {
      crossing[road].fetch_add(1);
      crossed[i].fetch_add(1);
      const bool on_red = green.load() != road;
      const bool others_crossing = crossing[other].load() > 0;
      const std::size_t k = out.emit("car " + std::to_string(car.id) + " crosses", "crosses");
      if (on_red) {
        fail(me + " crossed on red (road " + std::to_string(other) +
             " was green): a car whose road is red must call turnGreen() first", k);
      } else if (others_crossing) {
        fail(me + " crossed while a car of road " + std::to_string(other) +
             " was crossing: cars of the two roads must never cross at the same time (keep "
             "the lock until crossCar() has returned)", k);
      }
      lab::sleep_for(1ms);  // crossing takes a moment
      if (green.load() != road && !failed.load()) {
        fail(me + " was still crossing when road " + std::to_string(other) +
             " turned green: the light may change only when the crossing is clear", k);
      }
      crossing[road].fetch_sub(1);
    };
    threads.emplace_back("car-" + std::to_string(car.id), [&light, car, road, turn_green, cross] {
      if (car.at.count() > 0) lab::sleep_for(car.at);
      light.carArrived(car.id, road, car.direction, turn_green, cross);
    });
  }
  for (auto& t : threads) t.join();
  for (std::size_t i = 0; i < cars.size(); ++i) {
    const int n = crossed[i].load();
    LAB_EXPECT(n == 1, "car " + std::to_string(cars[i].id) + " crossed " + std::to_string(n) +
                           " times: carArrived must call crossCar() exactly once");
  }
}

}  // namespace

LAB_SCENARIO(two_roads, .points = 3,
             .description = "one car on each road, arriving together; every schedule up to 2 "
                            "preemptions",
             .dfs_schedules = 1500) {
  DriveCars({{1, 2, 0ms}, {2, 4, 0ms}});
}

LAB_SCENARIO(leetcode_example_1, .points = 2,
             .description = "cars 1, 3, 5, 2, 4 in directions 2, 1, 2, 4, 3, arriving every "
                            "10 ms") {
  DriveCars({{1, 2, 10ms}, {3, 1, 20ms}, {5, 2, 30ms}, {2, 4, 40ms}, {4, 3, 50ms}});
}

LAB_SCENARIO(leetcode_example_2, .points = 2,
             .description = "cars 1..5 in directions 2, 4, 3, 3, 1; cars 4 and 5 arrive "
                            "together") {
  DriveCars({{1, 2, 10ms}, {2, 4, 20ms}, {3, 3, 30ms}, {4, 3, 40ms}, {5, 1, 40ms}});
}

LAB_SCENARIO(rush_hour, .points = 3,
             .description = "eight cars, four per road, all arriving at once") {
  DriveCars({{1, 3}, {2, 1}, {3, 4}, {4, 2}, {5, 3}, {6, 2}, {7, 1}, {8, 4}});
}
