// lab-expect: wrong-output
// map starts a fresh thread for every input, and a semaphore with `workers` permits keeps at
// most `workers` calls running. Correct results at the right speed, but it is not a pool:
// the constructor starts nothing, and 10 inputs cost 10 thread starts. A pool starts its
// workers once and hands them the tasks (ThreadPoolExecutor reuses its threads).
#include <functional>
#include <string>
#include <vector>

#include "lab/sync.h"

class ThreadPool {
 public:
  explicit ThreadPool(int workers) : slots_(workers, "slots") {}

  std::vector<int> map(std::function<int(int)> fn, std::vector<int> inputs) {
    std::vector<int> results(inputs.size());
    std::vector<lab::Thread> threads;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      threads.emplace_back("task-" + std::to_string(i), [&, i] {
        slots_.acquire();
        results[i] = fn(inputs[i]);
        slots_.release();
      });
    }
    for (lab::Thread& t : threads) t.join();
    return results;
  }

 private:
  lab::Semaphore slots_;
};
