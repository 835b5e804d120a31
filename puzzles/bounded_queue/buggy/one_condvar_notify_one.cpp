// lab-expect: stall
// One condition variable for two conditions ("not full" for producers, "not empty" for
// consumers) with notify_one: a consumer that empties the queue may wake the other
// consumer instead of a producer. The woken consumer finds the queue empty and sleeps
// again, the notification is spent, and with capacity 1 everyone ends up waiting (OSTEP's
// lost wake-up). Fix: two condition variables, or notify_all.
#include <deque>
#include <mutex>

#include "lab/sync.h"

class BoundedBlockingQueue {
 public:
  BoundedBlockingQueue(int capacity) : capacity_(capacity) {}

  void enqueue(int element) {
    std::unique_lock lk(mu_);
    while (Count() == capacity_) cv_.wait(lk);
    items_.write([&](std::deque<int>& q) { q.push_back(element); });
    cv_.notify_one();  // BUG: may wake a producer
  }

  int dequeue() {
    std::unique_lock lk(mu_);
    while (Count() == 0) cv_.wait(lk);
    int element = items_.write([](std::deque<int>& q) {
      int front = q.front();
      q.pop_front();
      return front;
    });
    cv_.notify_one();  // BUG: may wake a consumer
    return element;
  }

  int size() {
    std::lock_guard lk(mu_);
    return Count();
  }

 private:
  int Count() const {
    return items_.read([](const std::deque<int>& q) { return static_cast<int>(q.size()); });
  }

  const int capacity_;
  lab::Mutex mu_{"mu"};
  lab::CondVar cv_{"cv"};
  lab::Shared<std::deque<int>> items_{std::deque<int>{}, "items"};
};
