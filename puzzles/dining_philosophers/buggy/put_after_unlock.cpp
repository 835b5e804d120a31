// lab-expect: wrong-output
// Bug: the forks' locks are released before the forks are put down (the put callbacks run
// after the unlock), so a neighbour can pick up a fork that is still in this hand.
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
    forks_[std::min(left, right)].lock();
    forks_[std::max(left, right)].lock();
    pickLeftFork();
    pickRightFork();
    eat();
    forks_[std::max(left, right)].unlock();
    forks_[std::min(left, right)].unlock();
    putLeftFork();
    putRightFork();
  }

 private:
  lab::Mutex forks_[5] = {lab::Mutex{"fork[0]"}, lab::Mutex{"fork[1]"}, lab::Mutex{"fork[2]"},
                          lab::Mutex{"fork[3]"}, lab::Mutex{"fork[4]"}};
};
