// reentrant — starter. Copy it (`lab new reentrant`), then make the inventory thread-safe.
//
// As given, nothing is locked: `lab check` reports data races on the counts. Protect the
// map with a lock; note that add_many() must call add() while holding that same lock.
// Keep the class signature exactly.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "lab/sync.h"

class Inventory {
 public:
  Inventory() {}

  // Adds `count` units of `item`.
  void add(std::string item, int count) {
    // TODO: lock.
    counts_.write([&](std::map<std::string, int>& m) { m[item] += count; });
  }

  // Adds every (item, count) pair, all under one hold of the lock, by calling add().
  void add_many(std::vector<std::pair<std::string, int>> items) {
    // TODO: take the lock here too. Which kind of lock lets add() take it again?
    for (const auto& [item, count] : items) add(item, count);
  }

  // How many units of `item` there are (0 for an unknown item).
  int count(std::string item) {
    // TODO: lock.
    return counts_.read([&](const std::map<std::string, int>& m) {
      auto it = m.find(item);
      return it == m.end() ? 0 : it->second;
    });
  }

 private:
  // TODO: a lock.
  lab::Shared<std::map<std::string, int>> counts_{std::map<std::string, int>{}, "counts"};
};
