// lab-expect: too-slow
// The worker keeps the pool's mutex while it runs the task ("the task writes the results,
// so it must be under the lock"). No race, but while one worker runs fn no other worker can
// even take a task: the workers take turns and map takes as long as a sequential loop.
// Each task writes only its own result slot; unlock before running it.
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
  std::condition_variable cv, doneCv;
  int pending = 0;
  bool stop = false;

  void worker() {
    while (true) {
      std::unique_lock<std::mutex> lock(mtx);
      cv.wait(lock, [this] { return stop || !tasks.empty(); });
      if (stop && tasks.empty()) return;
      std::function<void()> task = std::move(tasks.front());
      tasks.pop_front();
      task();  // BUG: still holding mtx
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
    cv.notify_all();
    std::unique_lock<std::mutex> lock(mtx);
    doneCv.wait(lock, [this] { return pending == 0; });
    return results;
  }

  ~ThreadPool() {
    {
      std::lock_guard<std::mutex> lock(mtx);
      stop = true;
    }
    cv.notify_all();
    for (auto& t : threads) t.join();
  }
};
