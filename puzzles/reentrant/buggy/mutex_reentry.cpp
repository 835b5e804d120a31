// lab-expect: self-deadlock
// Bug: a plain (non-reentrant) lab::Mutex, as Python's threading.Lock. add_many() holds it
// and calls add(), which locks it again: the thread waits for itself, forever.
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
