// lab-expect: data-race
// The Little Book of Semaphores' producer-consumer without its mutex: `slots` and `items`
// count correctly, so nobody blocks wrongly, but two producers (or two consumers) that
// both hold a permit change the deque at the same time. Counting is not mutual exclusion;
// guard the buffer with a lab::Mutex between the two semaphore operations.
#include <deque>

#include "lab/sync.h"

class BoundedBlockingQueue {
 public:
  BoundedBlockingQueue(int capacity) : slots_(capacity, "slots"), items_(0, "items") {}

  void enqueue(int element) {
    slots_.acquire();
    buffer_.write([&](std::deque<int>& q) { q.push_back(element); });  // BUG: no mutex
    items_.release();
  }

  int dequeue() {
    items_.acquire();
    int element = buffer_.write([](std::deque<int>& q) {  // BUG: no mutex
      int front = q.front();
      q.pop_front();
      return front;
    });
    slots_.release();
    return element;
  }

  int size() {
    return buffer_.read([](const std::deque<int>& q) { return static_cast<int>(q.size()); });
  }

 private:
  lab::Semaphore slots_;
  lab::Semaphore items_;
  lab::Shared<std::deque<int>> buffer_{std::deque<int>{}, "buffer"};
};
