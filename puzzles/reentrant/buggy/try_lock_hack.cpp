// lab-expect: data-race
// Bug: to dodge the self-deadlock with a plain Mutex, add() uses try_lock() and, when it
// fails, assumes "then I must already hold it". But try_lock() also fails when ANOTHER
// thread holds the lock, and add() then writes the map with no lock at all.
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
    const bool locked_here = lock_.try_lock();  // false: "add_many holds it for us"
    counts_.write([&](std::map<std::string, int>& m) { m[item] += count; });
    if (locked_here) lock_.unlock();
  }

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
  lab::Mutex lock_{"inventory"};
  lab::Shared<std::map<std::string, int>> counts_{std::map<std::string, int>{}, "counts"};
};
