// thread_pool_map — starter, standard C++. Copy it (`lab new thread_pool_map --std`), then
// build the pool.
//
// As given, the pool has no workers: map() calls fn on the caller's thread, one input
// after another. The results are right, but `lab check` reports that no worker ran them and
// that it is too slow. Start `workers` std::threads in the constructor that take jobs from
// a queue, have map() queue one job per input and wait until all are done, and stop and
// join the workers in the destructor. Guard the queue and the counters with a std::mutex
// (every plain read and write is race-checked) and wait on std::condition_variables with a
// predicate. Keep the class signature exactly.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

class ThreadPool {
 public:
  explicit ThreadPool(int workers) {
    // TODO: start `workers` std::threads here, each running a loop that takes jobs.
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
  // Suggested state, all guarded by one std::mutex:
  std::deque<std::function<void()>> jobs_;
  int pending_ = 0;  // jobs queued or running
  bool stop_ = false;
  std::vector<std::thread> workers_;
};
