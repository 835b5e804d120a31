// lab-expect: stall
// The destructor sets stop and wakes ONE worker: notify_one, where every idle worker is
// waiting for that same change. The woken worker sees stop and returns; the others sleep
// on in cv.wait and never see it, and the destructor's join waits for them for ever.
// Every waiter has to learn about stop: notify_all.
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
    cv.notify_one();  // BUG: notify_all; every idle worker waits for stop
    for (auto& t : threads) t.join();
  }
};
