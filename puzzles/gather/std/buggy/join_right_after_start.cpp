// lab-expect: too-slow
// Every task gets its own std::thread, but the thread is joined right after it is
// started: the loop waits for task 0 to finish before it starts task 1. Threads that never
// overlap are a sequential program with extra steps (like awaiting each coroutine in turn
// instead of gathering them). Start them all, then join them all.
#include <functional>
#include <thread>
#include <vector>

std::vector<int> gather(std::vector<std::function<int()>> tasks) {
  std::vector<int> results(tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    std::thread t([&tasks, &results, i] { results[i] = tasks[i](); });
    t.join();  // BUG: waits before starting the next task
  }
  return results;
}
