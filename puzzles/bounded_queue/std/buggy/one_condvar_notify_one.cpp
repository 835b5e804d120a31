// lab-expect: stall
// One condition variable for two conditions ("not full" for producers, "not empty" for
// consumers) with notify_one: a consumer that empties the queue may wake the other
// consumer instead of a producer. The woken consumer finds the queue empty and sleeps
// again, the notification is spent, and with capacity 1 everyone ends up waiting (OSTEP's
// lost wake-up). Fix: two condition variables, or notify_all.
#include <condition_variable>
#include <mutex>
#include <queue>

class BoundedBlockingQueue {
 public:
  BoundedBlockingQueue(int capacity) : capacity_(capacity) {}

  void enqueue(int element) {
    std::unique_lock<std::mutex> lk(m_);
    while (static_cast<int>(q_.size()) == capacity_) cv_.wait(lk);
    q_.push(element);
    cv_.notify_one();  // BUG: may wake a producer
  }

  int dequeue() {
    std::unique_lock<std::mutex> lk(m_);
    while (q_.empty()) cv_.wait(lk);
    int element = q_.front();
    q_.pop();
    cv_.notify_one();  // BUG: may wake a consumer
    return element;
  }

  int size() {
    std::lock_guard<std::mutex> lk(m_);
    return static_cast<int>(q_.size());
  }

 private:
  int capacity_;
  std::queue<int> q_;
  std::mutex m_;
  std::condition_variable cv_;
};
