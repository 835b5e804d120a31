// lab-expect: data-race
// Bug: to dodge the self-deadlock with a plain std::mutex, add() uses try_lock() and, when
// it fails, assumes "then add_many must already hold it". But try_lock() also fails when
// ANOTHER thread holds the lock, and add() then writes the map with no lock at all. (And
// try_lock on a std::mutex the thread already owns is undefined behaviour in C++.)
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

class Inventory {
  std::mutex mtx;
  std::map<std::string, int> counts;

 public:
  Inventory() {}

  void add(std::string item, int count) {
    const bool lockedHere = mtx.try_lock();  // false: "add_many holds it for us"
    counts[item] += count;
    if (lockedHere) mtx.unlock();
  }

  void add_many(std::vector<std::pair<std::string, int>> items) {
    std::lock_guard<std::mutex> lock(mtx);
    for (auto& p : items) add(p.first, p.second);
  }

  int count(std::string item) {
    std::lock_guard<std::mutex> lock(mtx);
    auto it = counts.find(item);
    return it == counts.end() ? 0 : it->second;
  }
};
