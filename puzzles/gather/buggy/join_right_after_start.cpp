// lab-expect: too-slow
// Every task gets its own thread, but the thread is joined right after it is started: the
// loop waits for task 0 to finish before it starts task 1. Threads that never overlap are a
// sequential program with extra steps (like `await`ing each coroutine in turn instead of
// asyncio.gather). Start them all, then join them all.
#include <functional>
#include <string>
#include <vector>

#include "lab/sync.h"

std::vector<int> gather(std::vector<std::function<int()>> tasks) {
  std::vector<int> results(tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    lab::Thread t("task-" + std::to_string(i), [&tasks, &results, i] { results[i] = tasks[i](); });
    t.join();
  }
  return results;
}
