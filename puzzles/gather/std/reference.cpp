// Reference solution of gather in standard C++: start one std::thread per task, then join
// them all. Each thread writes only its own slot of `results`, and join() makes that write
// visible to the caller, so the results need no lock.
#include <functional>
#include <thread>
#include <vector>

std::vector<int> gather(std::vector<std::function<int()>> tasks) {
  std::vector<int> results(tasks.size());
  std::vector<std::thread> threads;
  threads.reserve(tasks.size());
  // Launch everything first...
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    threads.emplace_back([&tasks, &results, i] {
      results[i] = tasks[i]();  // slot i: the result keeps the task's place
    });
  }
  // ...then wait for everything: the waits overlap, the slowest task sets the time.
  for (std::thread& t : threads) t.join();
  return results;
}
