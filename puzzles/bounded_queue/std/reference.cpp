// bounded_queue — reference solution in standard C++: one std::mutex, one
// std::condition_variable per condition, a std::queue.
//
// Producers wait on `notFull_`, consumers on `notEmpty_`; each waits in a loop (the
// predicate overload), so a spurious wake-up or an item another consumer took first sends
// it back to sleep. A producer only ever wakes a consumer and a consumer only a producer,
// so notify_one is enough: nobody can be woken who cannot use the change.
#include <condition_variable>
#include <mutex>
#include <queue>

class BoundedBlockingQueue {
 public:
  BoundedBlockingQueue(int capacity) : capacity_(capacity) {}

  void enqueue(int element) {
    std::unique_lock<std::mutex> lk(m_);
    notFull_.wait(lk, [this] { return static_cast<int>(q_.size()) < capacity_; });
    q_.push(element);
    notEmpty_.notify_one();
  }

  int dequeue() {
    std::unique_lock<std::mutex> lk(m_);
    notEmpty_.wait(lk, [this] { return !q_.empty(); });
    int element = q_.front();
    q_.pop();
    notFull_.notify_one();
    return element;
  }

  int size() {
    std::lock_guard<std::mutex> lk(m_);
    return static_cast<int>(q_.size());
  }

 private:
  int capacity_;
  std::queue<int> q_;  // guarded by m_
  std::mutex m_;
  std::condition_variable notFull_;
  std::condition_variable notEmpty_;
};
