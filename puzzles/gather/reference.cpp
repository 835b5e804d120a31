// Reference solution of gather: start one lab thread per task, then join them all. Each
// thread writes only its own slot of `results`, and join() makes that write visible to the
// caller, so the results need no lock.
#include <functional>
#include <string>
#include <vector>

#include "lab/sync.h"

std::vector<int> gather(std::vector<std::function<int()>> tasks) {
  std::vector<int> results(tasks.size());
  std::vector<lab::Thread> threads;
  threads.reserve(tasks.size());
  // Launch everything first...
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    threads.emplace_back("task-" + std::to_string(i), [&tasks, &results, i] {
      results[i] = tasks[i]();  // slot i: the result keeps the task's place, whoever ends first
    });
  }
  // ...then wait for everything: the waits overlap, the slowest task sets the time.
  for (lab::Thread& t : threads) t.join();
  return results;
}
