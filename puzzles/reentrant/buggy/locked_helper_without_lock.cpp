// lab-expect: data-race
// Bug: the right idea (a private addLocked() helper that expects the lock to be held, so a
// plain Mutex suffices), but add_many() forgets to take the lock before calling it.
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "lab/sync.h"

class Inventory {
 public:
  Inventory() {}

  void add(std::string item, int count) {
    std::lock_guard lk(lock_);
    addLocked(item, count);
  }

  void add_many(std::vector<std::pair<std::string, int>> items) {
    for (const auto& [item, count] : items) addLocked(item, count);
  }

  int count(std::string item) {
    std::lock_guard lk(lock_);
    return counts_.read([&](const std::map<std::string, int>& m) {
      auto it = m.find(item);
      return it == m.end() ? 0 : it->second;
    });
  }

 private:
  // Requires lock_ to be held.
  void addLocked(const std::string& item, int count) {
    counts_.write([&](std::map<std::string, int>& m) { m[item] += count; });
  }

  lab::Mutex lock_{"inventory"};
  lab::Shared<std::map<std::string, int>> counts_{std::map<std::string, int>{}, "counts"};
};
