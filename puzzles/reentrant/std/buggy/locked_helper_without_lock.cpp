// lab-expect: data-race
// Bug: the right idea (a private addLocked() helper that expects the lock to be held, so a
// plain std::mutex suffices), but add_many() forgets to take the lock before calling it.
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

class Inventory {
  std::mutex mtx;
  std::map<std::string, int> counts;

  // Requires mtx to be held.
  void addLocked(const std::string& item, int count) { counts[item] += count; }

 public:
  Inventory() {}

  void add(std::string item, int count) {
    std::lock_guard<std::mutex> lock(mtx);
    addLocked(item, count);
  }

  void add_many(std::vector<std::pair<std::string, int>> items) {
    for (auto& p : items) addLocked(p.first, p.second);  // BUG: mtx is not held
  }

  int count(std::string item) {
    std::lock_guard<std::mutex> lock(mtx);
    auto it = counts.find(item);
    return it == counts.end() ? 0 : it->second;
  }
};
