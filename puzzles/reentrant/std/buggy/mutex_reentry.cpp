// lab-expect: self-deadlock
// Bug: a plain std::mutex, like Python's threading.Lock. add_many() holds it and calls
// add(), which locks it again: locking a std::mutex the thread already holds is undefined
// behaviour in C++, and with glibc the thread waits for itself for ever. Use
// std::recursive_mutex, or a private helper that expects the lock to be held.
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
    std::lock_guard<std::mutex> lock(mtx);
    counts[item] += count;
  }

  void add_many(std::vector<std::pair<std::string, int>> items) {
    std::lock_guard<std::mutex> lock(mtx);
    for (auto& p : items) add(p.first, p.second);  // add() locks mtx again
  }

  int count(std::string item) {
    std::lock_guard<std::mutex> lock(mtx);
    return counts.count(item) ? counts[item] : 0;
  }
};
