// lab-expect: data-race
// The two-semaphore answer without its mutex: `slots` and `items` count correctly, so
// nobody blocks wrongly, but two producers (or two consumers) that both hold a permit
// change the std::queue at the same time. Counting is not mutual exclusion; guard the
// queue with a std::mutex between the two semaphore operations.
#include <queue>
#include <semaphore>

class BoundedBlockingQueue {
 public:
  BoundedBlockingQueue(int capacity) : slots_(capacity), items_(0) {}

  void enqueue(int element) {
    slots_.acquire();
    q_.push(element);  // BUG: no mutex
    items_.release();
  }

  int dequeue() {
    items_.acquire();
    int element = q_.front();  // BUG: no mutex
    q_.pop();
    slots_.release();
    return element;
  }

  int size() { return static_cast<int>(q_.size()); }

 private:
  std::counting_semaphore<> slots_;
  std::counting_semaphore<> items_;
  std::queue<int> q_;
};
