// Reference solution of thread_pool_map in standard C++: `workers` std::threads started in
// the constructor take jobs from one std::deque; map queues one job per input, each writing
// its own result slot, and waits until all are done; the destructor tells the workers to
// stop and joins them. One std::mutex guards the queue and the counters; workers wait on
// one condition variable ("work or stop"), map on another ("all done").
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

class ThreadPool {
 public:
  explicit ThreadPool(int workers) {
    for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { Work(); });
  }

  std::vector<int> map(std::function<int(int)> fn, std::vector<int> inputs) {
    std::vector<int> results(inputs.size());
    {
      std::lock_guard<std::mutex> lk(m_);
      for (std::size_t i = 0; i < inputs.size(); ++i) {
        // Job i writes only results[i]: the results keep the input order.
        jobs_.push_back([&fn, &inputs, &results, i] { results[i] = fn(inputs[i]); });
      }
      pending_ += static_cast<int>(inputs.size());
    }
    work_cv_.notify_all();
    // Wait, on the caller's thread, until the workers have run every job.
    std::unique_lock<std::mutex> lk(m_);
    done_cv_.wait(lk, [this] { return pending_ == 0; });
    return results;
  }

  ~ThreadPool() {
    {
      std::lock_guard<std::mutex> lk(m_);
      stop_ = true;
    }
    work_cv_.notify_all();  // wake every idle worker so it sees stop_
    for (std::thread& t : workers_) t.join();
  }

 private:
  void Work() {
    while (true) {
      std::function<void()> job;
      {
        std::unique_lock<std::mutex> lk(m_);
        work_cv_.wait(lk, [this] { return stop_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // stopping, nothing left
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();  // the slow call runs without the lock: the workers overlap
      std::lock_guard<std::mutex> lk(m_);
      if (--pending_ == 0) done_cv_.notify_all();
    }
  }

  std::mutex m_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  // Guarded by m_.
  std::deque<std::function<void()>> jobs_;
  int pending_ = 0;  // jobs queued or running
  bool stop_ = false;
  std::vector<std::thread> workers_;  // last: destroyed (already joined) before the rest
};
