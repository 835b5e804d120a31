// lab-expect: data-race
// "size() only reads, it needs no lock": the read races with the writes of enqueue and
// dequeue in other threads. A read is an access too; take the lock.
#include <deque>
#include <mutex>

#include "lab/sync.h"

class BoundedBlockingQueue {
 public:
  BoundedBlockingQueue(int capacity) : capacity_(capacity) {}

  void enqueue(int element) {
    std::unique_lock lk(mu_);
    not_full_.wait(lk, [&] { return Count() < capacity_; });
    items_.write([&](std::deque<int>& q) { q.push_back(element); });
    not_empty_.notify_one();
  }

  int dequeue() {
    std::unique_lock lk(mu_);
    not_empty_.wait(lk, [&] { return Count() > 0; });
    int element = items_.write([](std::deque<int>& q) {
      int front = q.front();
      q.pop_front();
      return front;
    });
    not_full_.notify_one();
    return element;
  }

  int size() { return Count(); }  // BUG: no lock

 private:
  int Count() const {
    return items_.read([](const std::deque<int>& q) { return static_cast<int>(q.size()); });
  }

  const int capacity_;
  lab::Mutex mu_{"mu"};
  lab::CondVar not_full_{"not_full"};
  lab::CondVar not_empty_{"not_empty"};
  lab::Shared<std::deque<int>> items_{std::deque<int>{}, "items"};
};
