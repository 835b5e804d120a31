// lab-expect: wrong-output
// The threads append their results to one vector, under a std::mutex, as they finish. No
// race and the right speed, but the results come back in the order the tasks *finished*:
// the fastest task's result first. asyncio.gather returns them in the order of the tasks;
// so must this.
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

std::vector<int> gather(std::vector<std::function<int()>> tasks) {
  std::mutex m;
  std::vector<int> results;
  std::vector<std::thread> threads;
  for (auto& task : tasks) {
    threads.emplace_back([&m, &results, &task] {
      int r = task();
      std::lock_guard<std::mutex> lk(m);
      results.push_back(r);  // BUG: in the order the tasks finish
    });
  }
  for (auto& t : threads) t.join();
  return results;
}
