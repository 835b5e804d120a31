// lab-expect: data-race
// Bug: count() reads the map without the lock ("it only reads"). A read concurrent with
// add()'s write is a data race on the plain std::map: undefined behaviour in C++, and a
// real std::map can be caught in the middle of a rebalance.
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

class Inventory {
  std::recursive_mutex mtx;
  std::map<std::string, int> counts;

 public:
  Inventory() {}

  void add(std::string item, int count) {
    std::lock_guard<std::recursive_mutex> lock(mtx);
    counts[item] += count;
  }

  void add_many(std::vector<std::pair<std::string, int>> items) {
    std::lock_guard<std::recursive_mutex> lock(mtx);
    for (auto& p : items) add(p.first, p.second);
  }

  int count(std::string item) {
    auto it = counts.find(item);  // BUG: no lock
    return it == counts.end() ? 0 : it->second;
  }
};
