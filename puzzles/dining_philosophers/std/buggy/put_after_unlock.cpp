// lab-expect: wrong-output
// Bug: the forks' locks are released before the forks are put down (the put callbacks run
// after the unlock), so a neighbour can pick up a fork that is still in this hand. A
// lock protects the fork only while it is held around everything done with the fork.
#include <algorithm>
#include <functional>
#include <mutex>

class DiningPhilosophers {
 public:
  DiningPhilosophers() {}

  void wantsToEat(int philosopher, std::function<void()> pickLeftFork,
                  std::function<void()> pickRightFork, std::function<void()> eat,
                  std::function<void()> putLeftFork, std::function<void()> putRightFork) {
    int left = philosopher;
    int right = (philosopher + 1) % 5;
    forks_[std::min(left, right)].lock();
    forks_[std::max(left, right)].lock();
    pickLeftFork();
    pickRightFork();
    eat();
    forks_[std::max(left, right)].unlock();
    forks_[std::min(left, right)].unlock();
    putLeftFork();  // BUG: after the unlock
    putRightFork();
  }

 private:
  std::mutex forks_[5];
};
