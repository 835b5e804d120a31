// lab-expect: lock-order-inversion
// Bug: every philosopher takes his left fork, then his right. If all five pick up their
// left fork at once, each waits for his right neighbour for ever: a circular wait. Take
// the lower-numbered fork first (or let one philosopher be left-handed).
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
    std::lock_guard<std::mutex> l(forks_[left]);   // BUG: everyone left first:
    std::lock_guard<std::mutex> r(forks_[right]);  // fork 0 -> 1 -> 2 -> 3 -> 4 -> 0
    pickLeftFork();
    pickRightFork();
    eat();
    putLeftFork();
    putRightFork();
  }

 private:
  std::mutex forks_[5];
};
