#include <functional>
#include <thread>
#include <vector>

std::vector<int> gather(std::vector<std::function<int()>> tasks) {
  std::vector<int> results(tasks.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < tasks.size(); ++i) {
    threads.emplace_back([&] {
      size_t k = i;  // BUG: i by reference, read after the loop moved on
      if (k < tasks.size()) results[k] = tasks[k]();
    });
  }
  for (auto& t : threads) t.join();
  return results;
}
