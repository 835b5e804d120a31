// lab-expect: stall
// Bug: four seats at the table (a correct gate against the circular wait), but a
// philosopher never gives his seat back: after four meals nobody can sit down again.
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
    seats_.acquire();
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
  lab::Semaphore seats_{4, "seats"};
};
