// lab-expect: data-race
// "size() only reads, it needs no lock": q_.size() reads the queue's own bookkeeping
// (plain pointers inside std::queue's deque), which enqueue and dequeue write in other
// threads. A read is an access too; take the lock.
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

  int size() { return static_cast<int>(q_.size()); }  // BUG: no lock

 private:
  int capacity_;
  std::queue<int> q_;
  std::mutex m_;
  std::condition_variable notFull_;
  std::condition_variable notEmpty_;
};
