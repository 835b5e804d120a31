// bounded_queue — starter in standard C++. Copy it (`lab new bounded_queue --std`), then
// make it a real blocking queue.
//
// As given, nothing is synchronised and nothing blocks: enqueue() pushes past the
// capacity, dequeue() on an empty queue returns -1 instead of waiting, and producers and
// consumers touch `q_` at the same time (the lab checks every access to it: a data race).
// Add a std::mutex and std::condition_variable (or std::counting_semaphore) and make the
// methods block. Keep the class signature exactly.
#include <condition_variable>
#include <mutex>
#include <queue>

class BoundedBlockingQueue {
 public:
  BoundedBlockingQueue(int capacity) : capacity_(capacity) {}

  // Adds `element` at the back; blocks while the queue holds `capacity` elements.
  void enqueue(int element) {
    // TODO: lock, and wait while the queue is full.
    q_.push(element);
  }

  // Removes and returns the front element; blocks while the queue is empty.
  int dequeue() {
    // TODO: lock, and wait while the queue is empty (this placeholder returns -1).
    if (q_.empty()) return -1;
    int front = q_.front();
    q_.pop();
    return front;
  }

  // The number of elements in the queue.
  int size() {
    // TODO: lock.
    return static_cast<int>(q_.size());
  }

 private:
  int capacity_;
  std::queue<int> q_;
  // TODO: e.g. std::mutex m_; std::condition_variable notFull_, notEmpty_;
};
