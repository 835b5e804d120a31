// Spec of gather (asyncio.gather): every task runs once, the results come back in task
// order whichever task ends first, and the tasks run at the same time: gather takes the
// virtual time of the slowest task, not the sum.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

LAB_PUZZLE("gather");

namespace {

using std::chrono::milliseconds;

struct Task {
  int ms;      // how long the task sleeps (virtual time)
  int result;  // what it returns
};

std::string Ints(const std::vector<int>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

// Calls gather on tasks that sleep and return, then checks: each task ran once, the results
// are in task order, and (in controlled runs) the time is the slowest task's.
void CheckGather(const std::vector<Task>& spec) {
  const std::size_t n = spec.size();
  // Plain std::atomic: the spec's bookkeeping adds no happens-before edge the detector sees.
  auto runs = std::make_unique<std::atomic<int>[]>(n);
  // Every run of a task: a trace row "runs task i" at the solution's line that called it,
  // and the thread and line a wrong result points at.
  lab::spec::Recorder out;
  std::vector<std::function<int()>> tasks;
  std::vector<int> want, times;
  for (std::size_t i = 0; i < n; ++i) {
    const Task t = spec[i];
    std::atomic<int>* count = &runs[i];
    tasks.push_back([t, count, i, &out] {
      out.emit(std::to_string(i), "runs task " + std::to_string(i));
      count->fetch_add(1);
      if (t.ms > 0) lab::sleep_for(milliseconds(t.ms));
      return t.result;
    });
    want.push_back(t.result);
    times.push_back(t.ms);
  }

  const auto t0 = lab::current_run_stats().duration;
  const std::vector<int> got = gather(std::move(tasks));

  const std::vector<std::string> ran = out.items();
  // The n-th (1-based) run of task i, pointed at when there is one.
  const auto fail_at = [&](const std::string& message, std::size_t i, int nth) {
    for (std::size_t k = 0; k < ran.size(); ++k) {
      if (ran[k] == std::to_string(i) && --nth == 0) {
        lab::spec::Fail(message, out.blame(k));
        return;
      }
    }
    lab::spec::Fail(message);
  };
  for (std::size_t i = 0; i < n; ++i) {
    const int r = runs[i].load();
    if (r != 1) {
      fail_at("task " + std::to_string(i) + " ran " + std::to_string(r) +
                  " times; gather must run every task exactly once",
              i, 2);
    }
  }
  if (got != want) {
    std::string why = "gather returned " + Ints(got) + ", expected " + Ints(want) + " (task i's result at index i).";
    std::vector<int> a = got, b = want;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    if (a == b) {
      why += " The results are right but out of order: the order in which the tasks "
             "finished? Store each result at its task's index, not where the next free place is";
    }
    // The first wrong place holds another task's result: point at the run of that task.
    std::size_t wrong = 0;
    while (wrong < got.size() && wrong < n && got[wrong] == want[wrong]) ++wrong;
    const auto from = wrong < got.size() ? std::find(want.begin(), want.end(), got[wrong])
                                         : want.end();
    if (from != want.end()) {
      why += " Index " + std::to_string(wrong) + " holds task " +
             std::to_string(from - want.begin()) + "'s result.";
      fail_at(why, static_cast<std::size_t>(from - want.begin()), 1);
    } else {
      lab::spec::Fail(why);
    }
  }

  if (n == 0) return;
  const int slowest = *std::max_element(times.begin(), times.end());
  const int sum = std::accumulate(times.begin(), times.end(), 0);
  std::string each;
  for (std::size_t i = 0; i < n; ++i) each += (i ? ", " : "") + std::to_string(times[i]);
  // A little slack over the slowest task; any two tasks run one after the other exceed it.
  const int slack = std::max(1, slowest / 20);
  lab::spec::ExpectDurationAtMost(
      t0 + milliseconds(slowest + slack),
      "gather must run the tasks at the same time. They take " + each + " ms, so gather "
          "should take about " + std::to_string(slowest) + " ms (the slowest task), not up to " +
          std::to_string(sum) + " ms (their sum). Start every task before waiting for any: a "
          "thread joined right after it is started, or a task run on the calling thread "
          "first, makes the tasks wait for each other");
}

}  // namespace

LAB_SCENARIO(lecture_example, .points = 4,
             .description = "tasks of 100, 50 and 30 ms: gather takes 100 ms, not 180",
             .dfs_schedules = 500) {
  CheckGather({{100, 1}, {50, 2}, {30, 3}});
}

LAB_SCENARIO(finish_in_reverse, .points = 3,
             .description = "four tasks that finish last-first: the results stay in task order") {
  CheckGather({{40, 10}, {30, 20}, {20, 30}, {10, 40}});
}

LAB_SCENARIO(eight_tasks, .points = 2,
             .description = "eight tasks of 0 to 70 ms, some returning negative numbers") {
  CheckGather({{70, -3}, {10, -2}, {0, 1}, {40, 6}, {70, 13}, {25, 22}, {5, 33}, {60, 46}});
}

LAB_SCENARIO(none_and_one, .points = 1,
             .description = "no task at all, then one task that returns at once") {
  CheckGather({});
  CheckGather({{0, 7}});
}
