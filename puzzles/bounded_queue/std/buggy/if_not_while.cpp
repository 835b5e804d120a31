// lab-expect: wrong-output
// The textbook circular buffer (OSTEP's put/get) with `if` where a `while` belongs: a
// consumer woken for an item that another consumer took first (or woken spuriously, which
// the C++ standard allows and the lab makes happen) goes on and "takes" from an empty
// buffer; a producer does the same on a full one and overwrites an item nobody has read.
// Re-check after every wake-up: `while`, or the predicate overload of wait.
#include <condition_variable>
#include <mutex>
#include <vector>

class BoundedBlockingQueue {
 public:
  BoundedBlockingQueue(int capacity) : capacity_(capacity), buffer_(capacity) {}

  void enqueue(int element) {
    std::unique_lock<std::mutex> lk(m_);
    if (count_ == capacity_) notFull_.wait(lk);  // BUG: while
    buffer_[fill_] = element;
    fill_ = (fill_ + 1) % capacity_;
    count_++;
    notEmpty_.notify_one();
  }

  int dequeue() {
    std::unique_lock<std::mutex> lk(m_);
    if (count_ == 0) notEmpty_.wait(lk);  // BUG: while
    int element = buffer_[use_];
    use_ = (use_ + 1) % capacity_;
    count_--;
    notFull_.notify_one();
    return element;
  }

  int size() {
    std::lock_guard<std::mutex> lk(m_);
    return count_;
  }

 private:
  int capacity_;
  std::vector<int> buffer_;
  int fill_ = 0;
  int use_ = 0;
  int count_ = 0;
  std::mutex m_;
  std::condition_variable notFull_;
  std::condition_variable notEmpty_;
};
