// lab-expect: wrong-output
// The textbook circular buffer (OSTEP's put/get) with `if` where a `while` belongs: a
// consumer woken for an item that another consumer took first (or woken spuriously) goes
// on and "takes" from an empty buffer; a producer does the same on a full one and
// overwrites an item nobody has read.
#include <mutex>
#include <vector>

#include "lab/sync.h"

class BoundedBlockingQueue {
 public:
  BoundedBlockingQueue(int capacity)
      : capacity_(capacity), buffer_(std::vector<int>(capacity, 0), "buffer") {}

  void enqueue(int element) {
    std::unique_lock lk(mu_);
    if (count_ == capacity_) not_full_.wait(lk);  // BUG: while
    const int at = fill_;
    buffer_.write([&](std::vector<int>& b) { b[at] = element; });
    fill_.store((at + 1) % capacity_);
    count_ += 1;
    not_empty_.notify_one();
  }

  int dequeue() {
    std::unique_lock lk(mu_);
    if (count_ == 0) not_empty_.wait(lk);  // BUG: while
    const int at = use_;
    const int element = buffer_.read([&](const std::vector<int>& b) { return b[at]; });
    use_.store((at + 1) % capacity_);
    count_ -= 1;
    not_full_.notify_one();
    return element;
  }

  int size() {
    std::lock_guard lk(mu_);
    return count_;
  }

 private:
  const int capacity_;
  lab::Mutex mu_{"mu"};
  lab::CondVar not_full_{"not_full"};
  lab::CondVar not_empty_{"not_empty"};
  lab::Shared<std::vector<int>> buffer_;
  lab::Shared<int> fill_{0, "fill"};
  lab::Shared<int> use_{0, "use"};
  lab::Shared<int> count_{0, "count"};
};
