// dining_philosophers — reference solution in standard C++: one std::mutex per fork, and
// a resource hierarchy over the forks.
#include <algorithm>
#include <functional>
#include <mutex>

class DiningPhilosophers {
 public:
  DiningPhilosophers() {}

  void wantsToEat(int philosopher, std::function<void()> pickLeftFork,
                  std::function<void()> pickRightFork, std::function<void()> eat,
                  std::function<void()> putLeftFork, std::function<void()> putRightFork) {
    const int left = philosopher;
    const int right = (philosopher + 1) % 5;
    // Every philosopher takes the lower-numbered fork first. Philosopher 4 (forks 4 and 0)
    // therefore reaches for his right fork first, which breaks the circular wait.
    std::lock_guard<std::mutex> first(forks_[std::min(left, right)]);
    std::lock_guard<std::mutex> second(forks_[std::max(left, right)]);
    pickLeftFork();
    pickRightFork();
    eat();
    putLeftFork();
    putRightFork();
  }

 private:
  std::mutex forks_[5];
};
