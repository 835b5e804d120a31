// dining_philosophers — starter in standard C++. Copy it
// (`lab new dining_philosophers --std`), then add the forks.
//
// As given, a philosopher just calls the callbacks: two neighbours pick up the same fork
// and `lab check` reports it. Give each fork a std::mutex and take a philosopher's two
// forks in an order that can never go round the table in a circle. Keep the signature
// exactly.
#include <functional>
#include <mutex>

class DiningPhilosophers {
 public:
  DiningPhilosophers() {}

  // Philosopher `philosopher` (0..4) wants to eat once. His left fork is fork
  // `philosopher`, his right fork is fork `(philosopher + 1) % 5`.
  void wantsToEat(int philosopher, std::function<void()> pickLeftFork,
                  std::function<void()> pickRightFork, std::function<void()> eat,
                  std::function<void()> putLeftFork, std::function<void()> putRightFork) {
    (void)philosopher;
    // TODO: hold both forks (their locks) from before picking them up until after putting
    // them down.
    pickLeftFork();
    pickRightFork();
    eat();
    putLeftFork();
    putRightFork();
  }

 private:
  // TODO: one lock per fork, e.g. std::mutex forks_[5];
};
