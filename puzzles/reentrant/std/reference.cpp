// Reference solution of reentrant in standard C++: a std::recursive_mutex, so add_many can
// call add while it holds the lock (Python's RLock). The map is a plain std::map: every
// access to it is under the lock.
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

class Inventory {
 public:
  Inventory() {}

  void add(std::string item, int count) {
    std::lock_guard<std::recursive_mutex> lk(m_);
    counts_[item] += count;
  }

  // All items are added under one hold of the lock; add() takes it again (re-entry), which
  // a recursive_mutex allows: it is free again once unlocked as often as it was locked.
  void add_many(std::vector<std::pair<std::string, int>> items) {
    std::lock_guard<std::recursive_mutex> lk(m_);
    for (const auto& [item, count] : items) add(item, count);
  }

  int count(std::string item) {
    std::lock_guard<std::recursive_mutex> lk(m_);
    auto it = counts_.find(item);
    return it == counts_.end() ? 0 : it->second;
  }

 private:
  std::recursive_mutex m_;
  std::map<std::string, int> counts_;  // guarded by m_
};
