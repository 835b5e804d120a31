// lab-expect: data-race
// The worker counts a finished job down without the lock ("it is only a counter"). Two
// workers that finish together both read and write the plain int: a data race (undefined
// behaviour in C++), a lost decrement, and map waiting for ever; map also reads the count
// while it changes. pending is shared: every access under the pool's mutex, with the notify.
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
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lock(mtx);
        cv.wait(lock, [this] { return stop || !tasks.empty(); });
        if (stop && tasks.empty()) return;
        task = std::move(tasks.front());
        tasks.pop_front();
      }
      task();
      if (--pending == 0) doneCv.notify_all();  // BUG: outside the lock
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
