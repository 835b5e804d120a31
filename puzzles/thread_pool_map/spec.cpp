// Spec of thread_pool_map (ThreadPoolExecutor.map): ThreadPool(w) starts exactly w
// threads in its constructor; map returns fn(x) for every input in input order, runs the
// calls on those workers (never on the caller's thread, never a thread per task), at most w
// at a time, in about ceil(n / w) task times; map can be called again; the destructor
// stops and joins every worker, also when no map ran.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <vector>

LAB_PUZZLE("thread_pool_map");

namespace {

using std::chrono::milliseconds;

std::string Ints(const std::vector<int>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

// Threads the run has started so far (controlled runs only; 0 otherwise).
int ThreadsStarted() { return lab::current_run_stats().threads; }

// Builds the pool and checks that its constructor started exactly `workers` threads.
void CheckStarted(int workers, int before) {
  if (!lab::spec::Controlled()) return;
  const int started = ThreadsStarted() - before;
  LAB_EXPECT(started == workers,
             "ThreadPool(" + std::to_string(workers) + ") started " + std::to_string(started) +
                 " threads in its constructor; it must start exactly " +
                 std::to_string(workers) + (workers == 1 ? " worker" : " workers") +
                 " there, and map must reuse them");
}

// One map call: `fn` sleeps `ms` and returns f(x). Checks the results, that every call ran
// once on a worker (not the caller, at most `workers` at once, no thread started by map),
// and the virtual time: ceil(n / workers) task times.
template <class F>
void CheckMap(ThreadPool& pool, int workers, int ms, const std::vector<int>& inputs, F f,
              const std::string& call) {
  const std::string caller(lab::this_thread_name());
  std::atomic<int> in_flight{0}, most{0};
  std::mutex mu;  // the spec's own bookkeeping: a plain std::mutex the detector does not see
  std::multiset<int> called;
  std::set<std::string> on_caller;
  // Every call of fn: a trace row "runs fn(x)" at the solution's line that called it, and
  // the thread and line a wrong call points at.
  lab::spec::Recorder out;
  std::atomic<long> first_over{-1};  // the call that made more than `workers` run at once
  auto fn = [&](int x) {
    const std::size_t k = out.emit(std::to_string(x), "runs fn(" + std::to_string(x) + ")");
    {
      std::lock_guard lk(mu);
      called.insert(x);
      if (std::string(lab::this_thread_name()) == caller) on_caller.insert(caller);
    }
    const int now = in_flight.fetch_add(1) + 1;
    int m = most.load();
    while (now > m && !most.compare_exchange_weak(m, now)) {
    }
    long none = -1;
    if (now > workers) first_over.compare_exchange_strong(none, static_cast<long>(k));
    if (ms > 0) lab::sleep_for(milliseconds(ms));
    in_flight.fetch_sub(1);
    return f(x);
  };
  std::vector<int> want;
  for (int x : inputs) want.push_back(f(x));

  const int threads_before = ThreadsStarted();
  const auto t0 = lab::current_run_stats().duration;
  const std::vector<int> got = pool.map(fn, inputs);
  const auto took = lab::current_run_stats().duration - t0;

  LAB_EXPECT(got == want, call + " returned " + Ints(got) + ", expected " + Ints(want) +
                              " (fn(inputs[i]) at index i, in input order)");
  const std::vector<std::string> items = out.items();
  const std::vector<std::string> threads = out.threads();
  for (int x : inputs) {
    const std::size_t n = called.count(x);
    if (n == 1) continue;
    const std::string message = call + " called fn(" + std::to_string(x) + ") " +
                                std::to_string(n) +
                                " times; every input must be mapped exactly once";
    // A second call points at the thread and line that made it.
    const auto first = std::find(items.begin(), items.end(), std::to_string(x));
    const auto second = first == items.end() ? first : std::find(first + 1, items.end(), *first);
    if (second != items.end()) {
      lab::spec::Fail(message, out.blame(static_cast<std::size_t>(second - items.begin())));
    } else {
      lab::spec::Fail(message);
    }
  }
  if (!on_caller.empty()) {
    const std::string message =
        call + " ran fn on the thread that called map ('" + caller + "'); a pool runs every "
        "call on its workers, and map only hands out the work and waits";
    const auto k = std::find(threads.begin(), threads.end(), caller);
    if (k != threads.end()) {
      lab::spec::Fail(message, out.blame(static_cast<std::size_t>(k - threads.begin())));
    } else {
      lab::spec::Fail(message);
    }
  }
  if (most.load() > workers) {
    const std::string message =
        call + " ran " + std::to_string(most.load()) + " calls of fn at the same time on a "
        "pool of " + std::to_string(workers) + " workers; at most " + std::to_string(workers) +
        " may run at once";
    if (first_over.load() >= 0) {
      lab::spec::Fail(message, out.blame(static_cast<std::size_t>(first_over.load())));
    } else {
      lab::spec::Fail(message);
    }
  }
  if (lab::spec::Controlled()) {
    const int started = ThreadsStarted() - threads_before;
    LAB_EXPECT(started == 0,
               call + " started " + std::to_string(started) + " new threads for " +
                   std::to_string(inputs.size()) + " inputs; a pool reuses the " +
                   std::to_string(workers) + " workers its constructor started, instead of "
                   "starting a thread per task");
  }
  const int n = static_cast<int>(inputs.size());
  const int rounds = (n + workers - 1) / workers;
  // Plus half a task time (README): taking turns costs at least one more task time, and a
  // pool whose workers (and map) poll with a 1 ms sleep is 1-2 ms late and correct (5 % of
  // one task, the old margin, was 0 ms on 10 ms tasks: `too-slow`, "the workers take turns").
  const int limit = rounds * ms + ms / 2;
  lab::spec::ExpectDurationAtMost(
      t0 + milliseconds(limit),
      call + " must keep all " + std::to_string(workers) + " workers busy: " +
          std::to_string(n) + " calls of " + std::to_string(ms) + " ms on " +
          std::to_string(workers) + " workers take ceil(" + std::to_string(n) + "/" +
          std::to_string(workers) + ") x " + std::to_string(ms) + " ms = " +
          std::to_string(rounds * ms) + " ms; one after another they take " +
          std::to_string(n * ms) + " ms (map took " +
          std::to_string(std::chrono::duration_cast<milliseconds>(took).count()) +
          " ms). A lock held while fn runs, or map waiting for each result before it hands "
          "out the next input, makes the workers take turns; a worker that quit early "
          "leaves fewer to share the work");
}

int Square(int x) { return x * x; }

}  // namespace

LAB_SCENARIO(ten_on_four, .points = 4,
             .description = "ThreadPool(4).map over 10 inputs, 100 ms each: 300 ms, input order") {
  const int before = ThreadsStarted();
  ThreadPool pool(4);
  CheckStarted(4, before);
  CheckMap(pool, 4, 100, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, Square, "map(square, 0..9)");
}

LAB_SCENARIO(map_twice, .points = 2,
             .description = "ThreadPool(3): map 5 inputs, then 4 more with another function") {
  const int before = ThreadsStarted();
  ThreadPool pool(3);
  CheckStarted(3, before);
  CheckMap(pool, 3, 50, {5, 1, 4, 2, 3}, [](int x) { return x + 100; }, "the first map");
  CheckMap(pool, 3, 30, {-7, 8, 0, 12}, [](int x) { return -2 * x; }, "the second map");
}

LAB_SCENARIO(one_worker, .points = 2,
             .description = "ThreadPool(1): three inputs run one at a time, then a map with no input") {
  const int before = ThreadsStarted();
  ThreadPool pool(1);
  CheckStarted(1, before);
  CheckMap(pool, 1, 20, {3, 1, 2}, Square, "map(square, [3, 1, 2])");
  CheckMap(pool, 1, 20, {}, Square, "map(square, [])");
}

LAB_SCENARIO(shutdown, .points = 2,
             .description = "ThreadPool(5) destroyed without any map; ThreadPool(2) right after one") {
  {
    const int before = ThreadsStarted();
    ThreadPool idle(5);
    CheckStarted(5, before);
  }  // the destructor stops and joins five idle workers
  ThreadPool pool(2);
  CheckMap(pool, 2, 10, {1, 2, 3}, Square, "map(square, [1, 2, 3])");
}
