// Reference solution of reentrant: a reentrant lock, so add_many can call add under it.
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
    counts_.write([&](std::map<std::string, int>& m) { m[item] += count; });
  }

  // All items are added under one hold of the lock; add() takes it again (re-entry), which
  // an RLock allows: it is free again once released as often as it was acquired.
  void add_many(std::vector<std::pair<std::string, int>> items) {
    std::lock_guard lk(lock_);
    for (const auto& [item, count] : items) add(item, count);
  }

  int count(std::string item) {
    std::lock_guard lk(lock_);
    return counts_.read([&](const std::map<std::string, int>& m) {
      auto it = m.find(item);
      return it == m.end() ? 0 : it->second;
    });
  }

 private:
  lab::RLock lock_{"inventory"};
  lab::Shared<std::map<std::string, int>> counts_{std::map<std::string, int>{}, "counts"};
};
