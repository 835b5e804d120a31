// lab-expect: data-race
// Each thread appends (index, result) to a shared std::vector, and gather sorts by index
// at the end, so the order would be right. But the push_backs run with no lock: two
// threads that finish at the same moment grow the same vector at once, which can lose a
// result or corrupt the vector. Lock around the push_back, or give each task its own slot.
#include <algorithm>
#include <functional>
#include <thread>
#include <utility>
#include <vector>

std::vector<int> gather(std::vector<std::function<int()>> tasks) {
  std::vector<std::pair<std::size_t, int>> done;
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    threads.emplace_back([&, i] {
      int r = tasks[i]();
      done.emplace_back(i, r);  // BUG: no lock
    });
  }
  for (std::thread& t : threads) t.join();
  std::sort(done.begin(), done.end());
  std::vector<int> results;
  for (const auto& p : done) results.push_back(p.second);
  return results;
}
