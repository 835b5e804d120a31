// lab-expect: too-slow
// "The calling thread has nothing to do, so it runs task 0 itself" — but it runs it
// *before* starting the other threads, so they only begin once task 0 is over: the time is
// task 0 plus the slowest of the rest. Start the other tasks first (or run them all on
// threads).
#include <functional>
#include <string>
#include <vector>

#include "lab/sync.h"

std::vector<int> gather(std::vector<std::function<int()>> tasks) {
  std::vector<int> results(tasks.size());
  if (tasks.empty()) return results;
  results[0] = tasks[0]();
  std::vector<lab::Thread> threads;
  for (std::size_t i = 1; i < tasks.size(); ++i) {
    threads.emplace_back("task-" + std::to_string(i),
                         [&tasks, &results, i] { results[i] = tasks[i](); });
  }
  for (lab::Thread& t : threads) t.join();
  return results;
}
