// lab-expect: lock-order-inversion
// Bug: left fork first; when the right one is taken (try_lock fails), the philosopher puts
// the left one down and takes them the other way round, right then left. That only moves
// the circle: if all five sit down at once, all five fail, all put the left fork down, all
// take the right one and wait for the left one, which each neighbour now holds. The
// deadlock needs that contention, so the directed search confirms it in lock-step.
#include <functional>
#include <mutex>

#include "lab/sync.h"

class DiningPhilosophers {
 public:
  DiningPhilosophers() {}

  void wantsToEat(int philosopher, std::function<void()> pickLeftFork,
                  std::function<void()> pickRightFork, std::function<void()> eat,
                  std::function<void()> putLeftFork, std::function<void()> putRightFork) {
    lab::Mutex& left = forks_[philosopher];
    lab::Mutex& right = forks_[(philosopher + 1) % 5];
    left.lock();
    if (!right.try_lock()) {
      left.unlock();
      right.lock();
      left.lock();
    }
    pickLeftFork();
    pickRightFork();
    eat();
    putLeftFork();
    putRightFork();
    right.unlock();
    left.unlock();
  }

 private:
  lab::Mutex forks_[5] = {lab::Mutex{"fork[0]"}, lab::Mutex{"fork[1]"}, lab::Mutex{"fork[2]"},
                          lab::Mutex{"fork[3]"}, lab::Mutex{"fork[4]"}};
};
