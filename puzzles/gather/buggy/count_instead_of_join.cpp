// lab-expect: thread-not-joined
// Instead of joining, gather counts finished tasks and waits on a condition variable until
// all are done: the results are complete and the speed is right. But the lab::Thread
// objects are destroyed while their threads are still joinable (a thread may still be
// running the last lines of its function after it signalled). Every thread you start must
// be joined; the count is then unnecessary.
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "lab/sync.h"

std::vector<int> gather(std::vector<std::function<int()>> tasks) {
  std::vector<int> results(tasks.size());
  lab::Mutex mu{"done_lock"};
  lab::CondVar all_done{"all_done"};
  lab::Shared<std::size_t> finished{std::size_t{0}, "finished"};
  {
    std::vector<lab::Thread> threads;
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      threads.emplace_back("task-" + std::to_string(i), [&, i] {
        results[i] = tasks[i]();
        std::lock_guard lk(mu);
        finished += 1;
        all_done.notify_all();
      });
    }
    std::unique_lock lk(mu);
    all_done.wait(lk, [&] { return finished.load() == tasks.size(); });
  }  // the threads are never joined
  return results;
}
