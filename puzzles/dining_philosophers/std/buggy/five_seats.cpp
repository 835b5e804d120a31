// lab-expect: lock-order-inversion
// Bug: the "at most N at the table" answer with N = 5. A std::counting_semaphore limits the
// table to five seats, then everyone takes left then right. With five seats all five
// philosophers sit down, so the circular wait is still possible: the semaphore must have
// fewer permits than there are forks in the cycle (4).
#include <functional>
#include <mutex>
#include <semaphore>

class DiningPhilosophers {
 public:
  DiningPhilosophers() {}

  void wantsToEat(int philosopher, std::function<void()> pickLeftFork,
                  std::function<void()> pickRightFork, std::function<void()> eat,
                  std::function<void()> putLeftFork, std::function<void()> putRightFork) {
    int left = philosopher;
    int right = (philosopher + 1) % 5;
    seats_.acquire();
    {
      std::lock_guard<std::mutex> l(forks_[left]);
      std::lock_guard<std::mutex> r(forks_[right]);
      pickLeftFork();
      pickRightFork();
      eat();
      putLeftFork();
      putRightFork();
    }
    seats_.release();
  }

 private:
  std::mutex forks_[5];
  std::counting_semaphore<5> seats_{5};  // BUG: 5 seats let all five sit down
};
