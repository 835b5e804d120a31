// reusable_barrier — reference solution in standard C++: a count and a generation, plain
// ints under one std::mutex, and a std::condition_variable.
//
// Each arrival counts itself; the last one of a round resets the count for the next round,
// starts a new generation and wakes everyone. The others wait until the generation moves
// on, not until the count reaches n: by the time a woken thread runs, the count may already
// be reset (or counting the next round), but the generation it noted tells its own round
// apart from the next one, so no thread runs ahead into round k+1.
#include <condition_variable>
#include <mutex>

class Barrier {
 public:
  explicit Barrier(int n) : n_(n) {}

  void wait() {
    std::unique_lock<std::mutex> lk(m_);
    const long gen = generation_;
    if (++count_ == n_) {
      count_ = 0;
      ++generation_;
      cv_.notify_all();
    } else {
      cv_.wait(lk, [&] { return generation_ != gen; });
    }
  }

 private:
  const int n_;
  std::mutex m_;
  std::condition_variable cv_;
  int count_ = 0;        // arrivals in this round; guarded by m_
  long generation_ = 0;  // rounds completed; guarded by m_
};
