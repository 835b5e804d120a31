// thread_pool_map — starter. Copy it (`lab new thread_pool_map`), then build the pool.
//
// As given, the pool has no workers: map() calls fn on the caller's thread, one input
// after another. The results are right, but `lab check` reports that no worker ran them and
// that it is too slow. Start `workers` lab::Threads in the constructor that take jobs from
// a queue, have map() queue one job per input and wait until all are done, and stop and
// join the workers in the destructor. Keep the class signature exactly.
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "lab/sync.h"

class ThreadPool {
 public:
  explicit ThreadPool(int workers) {
    // TODO: start `workers` lab::Threads here, each running a loop that takes jobs.
    (void)workers;
  }

  std::vector<int> map(std::function<int(int)> fn, std::vector<int> inputs) {
    std::vector<int> results;
    // TODO: queue one job per input for the workers (results in input order!) and wait
    // until they are all done, instead of running fn here.
    for (int x : inputs) results.push_back(fn(x));
    return results;
  }

  ~ThreadPool() {
    // TODO: tell the workers to stop, wake them, and join them.
  }

 private:
  // Suggested state, all guarded by one lab::Mutex:
  lab::Shared<std::deque<std::function<void()>>> queue_{std::deque<std::function<void()>>{}, "queue"};
  lab::Shared<int> pending_{0, "pending"};  // jobs queued or running
  lab::Shared<bool> stop_{false, "stop"};
  std::vector<lab::Thread> workers_;
};
