// lab-expect: stall
// The Little Book's deadlock: the mutex is taken *before* waiting on the semaphore. A
// consumer that finds no item sleeps on `items` while holding `mu`, so no producer can get
// in to add one (and a producer on a full queue does the same to the consumers). Wait on
// the semaphore first, then take the mutex.
#include <deque>
#include <mutex>

#include "lab/sync.h"

class BoundedBlockingQueue {
 public:
  BoundedBlockingQueue(int capacity) : slots_(capacity, "slots"), items_(0, "items") {}

  void enqueue(int element) {
    std::lock_guard lk(mu_);
    slots_.acquire();  // BUG: sleeps holding mu
    buffer_.write([&](std::deque<int>& q) { q.push_back(element); });
    items_.release();
  }

  int dequeue() {
    std::lock_guard lk(mu_);
    items_.acquire();  // BUG: sleeps holding mu
    int element = buffer_.write([](std::deque<int>& q) {
      int front = q.front();
      q.pop_front();
      return front;
    });
    slots_.release();
    return element;
  }

  int size() {
    std::lock_guard lk(mu_);
    return buffer_.read([](const std::deque<int>& q) { return static_cast<int>(q.size()); });
  }

 private:
  lab::Mutex mu_{"mu"};
  lab::Semaphore slots_;
  lab::Semaphore items_;
  lab::Shared<std::deque<int>> buffer_{std::deque<int>{}, "buffer"};
};
