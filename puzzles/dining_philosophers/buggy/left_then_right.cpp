// lab-expect: lock-order-inversion
// Bug: every philosopher takes his left fork, then his right. If all five pick up their
// left fork at once, each waits for his right neighbour forever: a circular wait.
#include <algorithm>
#include <functional>
#include <mutex>

#include "lab/sync.h"

class DiningPhilosophers {
 public:
  DiningPhilosophers() {}

  void wantsToEat(int philosopher, std::function<void()> pickLeftFork,
                  std::function<void()> pickRightFork, std::function<void()> eat,
                  std::function<void()> putLeftFork, std::function<void()> putRightFork) {
    const int left = philosopher;
    const int right = (philosopher + 1) % 5;
    std::lock_guard first(forks_[left]);
    std::lock_guard second(forks_[right]);
    pickLeftFork();
    pickRightFork();
    eat();
    putLeftFork();
    putRightFork();
  }

 private:
  lab::Mutex forks_[5] = {lab::Mutex{"fork[0]"}, lab::Mutex{"fork[1]"}, lab::Mutex{"fork[2]"},
                          lab::Mutex{"fork[3]"}, lab::Mutex{"fork[4]"}};
};
