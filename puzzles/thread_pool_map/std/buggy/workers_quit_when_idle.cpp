// lab-expect: stall
// A worker leaves its loop as soon as it finds the queue empty. The constructor starts the
// workers before any map: they find nothing to do and quit at once, and the tasks of the
// first map are never run, so map waits for ever. An idle worker must wait for work (on
// the condition variable) until the pool stops, not return.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

class ThreadPool {
  std::vector<std::thread> threads;
  std::deque<std::function<void()>> tasks;
  std::mutex mtx;
  std::condition_variable doneCv;
  int pending = 0;

  void worker() {
    while (true) {
      std::function<void()> task;
      {
        std::lock_guard<std::mutex> lock(mtx);
        if (tasks.empty()) return;  // BUG: "no work: done"
        task = std::move(tasks.front());
        tasks.pop_front();
      }
      task();
      std::lock_guard<std::mutex> lock(mtx);
      if (--pending == 0) doneCv.notify_all();
    }
  }

 public:
  explicit ThreadPool(int workers) {
    for (int i = 0; i < workers; ++i) threads.emplace_back(&ThreadPool::worker, this);
  }

  std::vector<int> map(std::function<int(int)> fn, std::vector<int> inputs) {
    std::vector<int> results(inputs.size());
    {
      std::lock_guard<std::mutex> lock(mtx);
      for (std::size_t i = 0; i < inputs.size(); ++i) {
        tasks.push_back([&, i] { results[i] = fn(inputs[i]); });
        ++pending;
      }
    }
    std::unique_lock<std::mutex> lock(mtx);
    doneCv.wait(lock, [this] { return pending == 0; });
    return results;
  }

  ~ThreadPool() {
    for (auto& t : threads) t.join();
  }
};
