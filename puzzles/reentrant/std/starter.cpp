// reentrant — starter, standard C++. Copy it (`lab new reentrant --std`), then make the
// inventory thread-safe.
//
// As given, nothing is locked: `lab check` reports data races on the map (every plain read
// and write is race-checked). Protect the map with a lock; note that add_many() must call
// add() while holding that same lock: a std::mutex is not reentrant. Keep the class
// signature exactly.
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

class Inventory {
 public:
  Inventory() {}

  // Adds `count` units of `item`.
  void add(std::string item, int count) {
    // TODO: lock.
    counts_[item] += count;
  }

  // Adds every (item, count) pair, all under one hold of the lock, by calling add().
  void add_many(std::vector<std::pair<std::string, int>> items) {
    // TODO: take the lock here too. Which kind of mutex lets add() take it again?
    for (const auto& [item, count] : items) add(item, count);
  }

  // How many units of `item` there are (0 for an unknown item).
  int count(std::string item) {
    // TODO: lock.
    auto it = counts_.find(item);
    return it == counts_.end() ? 0 : it->second;
  }

 private:
  // TODO: a mutex.
  std::map<std::string, int> counts_;
};
