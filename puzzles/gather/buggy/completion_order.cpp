// lab-expect: wrong-output
// The threads append their results to one vector, under a lock, as they finish. No race and
// the right speed, but the results come back in the order the tasks *finished*: the fastest
// task's result first. asyncio.gather returns them in the order of the tasks; so must this.
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "lab/sync.h"

std::vector<int> gather(std::vector<std::function<int()>> tasks) {
  lab::Mutex mu{"results_lock"};
  lab::Shared<std::vector<int>> results{std::vector<int>{}, "results"};
  std::vector<lab::Thread> threads;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    threads.emplace_back("task-" + std::to_string(i), [&, i] {
      const int r = tasks[i]();
      std::lock_guard lk(mu);
      results.write([&](std::vector<int>& v) { v.push_back(r); });
    });
  }
  for (lab::Thread& t : threads) t.join();
  return results.load();
}
