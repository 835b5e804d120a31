// lab-expect: data-race
// Each thread appends (index, result) to a shared vector, and gather sorts by index at the
// end, so the order would be right. But the push_backs run with no lock: two threads that
// finish at the same moment grow the same vector at once, which can lose a result or
// corrupt the vector. Lock around the push_back, or give each task its own slot.
#include <algorithm>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "lab/sync.h"

std::vector<int> gather(std::vector<std::function<int()>> tasks) {
  lab::Shared<std::vector<std::pair<std::size_t, int>>> done{
      std::vector<std::pair<std::size_t, int>>{}, "done"};
  std::vector<lab::Thread> threads;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    threads.emplace_back("task-" + std::to_string(i), [&, i] {
      const int r = tasks[i]();
      done.write([&](auto& v) { v.emplace_back(i, r); });
    });
  }
  for (lab::Thread& t : threads) t.join();
  std::vector<std::pair<std::size_t, int>> pairs = done.load();
  std::sort(pairs.begin(), pairs.end());
  std::vector<int> results;
  for (const auto& p : pairs) results.push_back(p.second);
  return results;
}
