// lab-expect: stall
// The destructor sets stop_ but never notifies work_ready_. A worker that is idle (waiting
// for work on the condition variable) is never woken, so it never sees stop_, and the
// destructor's join waits for it for ever. Changing the condition a waiter waits for is
// only half the job: notify the condition variable afterwards (notify_all: every worker).
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "lab/sync.h"

class ThreadPool {
 public:
  explicit ThreadPool(int workers) {
    for (int i = 0; i < workers; ++i) {
      workers_.emplace_back("worker-" + std::to_string(i), [this] { Work(); });
    }
  }

  std::vector<int> map(std::function<int(int)> fn, std::vector<int> inputs) {
    std::vector<int> results(inputs.size());
    {
      std::lock_guard lk(mu_);
      for (std::size_t i = 0; i < inputs.size(); ++i) {
        // Job i writes only results[i]: the results keep the input order.
        queue_.write([&](auto& q) {
          q.push_back([&fn, x = inputs[i], slot = &results[i]] { *slot = fn(x); });
        });
      }
      pending_ += static_cast<int>(inputs.size());
    }
    work_ready_.notify_all();
    // Wait, on the caller's thread, until the workers have run every job.
    std::unique_lock lk(mu_);
    all_done_.wait(lk, [&] { return pending_.load() == 0; });
    return results;
  }

  ~ThreadPool() {
    {
      std::lock_guard lk(mu_);
      stop_ = true;
    }
    // (no notify: idle workers sleep on in work_ready_.wait and never see stop_)
    for (lab::Thread& t : workers_) t.join();
  }

 private:
  void Work() {
    while (true) {
      std::function<void()> job;
      {
        std::unique_lock lk(mu_);
        work_ready_.wait(lk, [&] { return stop_.load() || !queue_.read([](const auto& q) { return q.empty(); }); });
        if (queue_.read([](const auto& q) { return q.empty(); })) return;  // stopping, nothing left
        job = queue_.write([](auto& q) {
          std::function<void()> j = std::move(q.front());
          q.pop_front();
          return j;
        });
      }
      job();  // the slow call runs without the lock: the workers overlap
      std::lock_guard lk(mu_);
      pending_ -= 1;
      if (pending_.load() == 0) all_done_.notify_all();
    }
  }

  lab::Mutex mu_{"pool_lock"};
  lab::CondVar work_ready_{"work_ready"};
  lab::CondVar all_done_{"all_done"};
  lab::Shared<std::deque<std::function<void()>>> queue_{std::deque<std::function<void()>>{}, "queue"};
  lab::Shared<int> pending_{0, "pending"};  // jobs queued or running
  lab::Shared<bool> stop_{false, "stop"};
  std::vector<lab::Thread> workers_;  // last: destroyed (already joined) before the rest
};
