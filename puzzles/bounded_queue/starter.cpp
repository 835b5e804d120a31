// bounded_queue — starter. Copy it (`lab new bounded_queue`), then make it a real
// blocking queue.
//
// As given, nothing is synchronised and nothing blocks: enqueue() pushes past the
// capacity, dequeue() on an empty queue returns -1 instead of waiting, and producers and
// consumers touch `items_` at the same time. `lab check` reports data races and wrong
// output. Add a lab::Mutex and lab::CondVar (or lab::Semaphore) and make the methods
// block. Keep the class signature exactly.
#include <deque>
#include <mutex>

#include "lab/sync.h"

class BoundedBlockingQueue {
 public:
  BoundedBlockingQueue(int capacity) : capacity_(capacity) {}

  // Adds `element` at the back; blocks while the queue holds `capacity` elements.
  void enqueue(int element) {
    // TODO: lock, and wait while the queue is full.
    items_.write([&](std::deque<int>& q) { q.push_back(element); });
  }

  // Removes and returns the front element; blocks while the queue is empty.
  int dequeue() {
    // TODO: lock, and wait while the queue is empty (this placeholder returns -1).
    return items_.write([](std::deque<int>& q) {
      if (q.empty()) return -1;
      int front = q.front();
      q.pop_front();
      return front;
    });
  }

  // The number of elements in the queue.
  int size() {
    // TODO: lock.
    return items_.read([](const std::deque<int>& q) { return static_cast<int>(q.size()); });
  }

 private:
  const int capacity_;
  // TODO: e.g. lab::Mutex mu_{"mu"}; lab::CondVar not_full_{"not_full"}, not_empty_{"not_empty"};
  lab::Shared<std::deque<int>> items_{std::deque<int>{}, "items"};
};
