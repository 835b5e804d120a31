// lab_bench.cc — `make bench`: the cost of the lab, as ratios to baselines measured in the
// same run (the machines are shared and noisy; absolute times mean little).
//
// Locks: uncontended lock+unlock, nested A then B, 2 threads x 1M contended increments,
// for std::mutex, absl::Mutex, and lab::Mutex with every analysis on (`_lab`, what users
// run) and off (`_lab_off`: the same lock protocol without held lists, lock order, clocks
// or sites; a benchmark-only switch, lab::internal::SetDetectionOff).
// Controlled runs: the bounded-buffer workload of the scheduler issue in schedules/s, and
// as a ratio to bare fibers switched as often (BM_Controlled_fibers).
// The ratios are printed after the table, each row to its group's baseline.
#include <benchmark/benchmark.h>

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "lab/explore.h"
#include "lab/sync.h"
#include "fiber.h"    // the bare-fiber baseline of controlled runs
#include "runtime.h"  // lab::internal::SetDetectionOff
#include "strategy.h"  // lab::internal::Rng

namespace {

// glibc takes a cheaper lock path in a process that never created a thread.
struct WarmThreads {
  WarmThreads() { std::thread([] {}).join(); }
} warm;

template <class M>
void Uncontended(benchmark::State& state) {
  M m;
  for (auto _ : state) {
    m.lock();
    m.unlock();
  }
}
void BM_Uncontended_std(benchmark::State& s) { Uncontended<std::mutex>(s); }
void BM_Uncontended_absl(benchmark::State& s) {
  absl::Mutex m;
  for (auto _ : s) {
    m.Lock();
    m.Unlock();
  }
}
void BM_Uncontended_lab(benchmark::State& s) { Uncontended<lab::Mutex>(s); }

// Runs `f` with detection off, restoring it after.
template <class F>
void DetectionOff(F f) {
  lab::internal::SetDetectionOff(true);
  f();
  lab::internal::SetDetectionOff(false);
}
void BM_Uncontended_lab_off(benchmark::State& s) {
  DetectionOff([&] { Uncontended<lab::Mutex>(s); });
}

template <class M>
void Nested(benchmark::State& state) {
  M a, b;
  for (auto _ : state) {
    a.lock();
    b.lock();
    b.unlock();
    a.unlock();
  }
}
void BM_Nested_std(benchmark::State& s) { Nested<std::mutex>(s); }
void BM_Nested_absl(benchmark::State& s) {
  absl::Mutex a, b;
  for (auto _ : s) {
    a.Lock();
    b.Lock();
    b.Unlock();
    a.Unlock();
  }
}
void BM_Nested_lab(benchmark::State& s) { Nested<lab::Mutex>(s); }
void BM_Nested_lab_off(benchmark::State& s) {
  DetectionOff([&] { Nested<lab::Mutex>(s); });
}

// 2 threads x 1M increments of a counter under one lock; one iteration = the whole job.
template <class Lock, class Unlock, class M>
void ContendedJob(M& m, Lock lock, Unlock unlock) {
  long counter = 0;
  auto work = [&] {
    for (int i = 0; i < 1'000'000; ++i) {
      lock(m);
      ++counter;
      unlock(m);
    }
  };
  std::thread t1(work), t2(work);
  t1.join();
  t2.join();
  benchmark::DoNotOptimize(counter);
}
void BM_Contended_std(benchmark::State& s) {
  std::mutex m;
  for (auto _ : s) ContendedJob(m, [](std::mutex& x) { x.lock(); }, [](std::mutex& x) { x.unlock(); });
}
void BM_Contended_absl(benchmark::State& s) {
  absl::Mutex m;
  for (auto _ : s) ContendedJob(m, [](absl::Mutex& x) { x.Lock(); }, [](absl::Mutex& x) { x.Unlock(); });
}
void BM_Contended_lab(benchmark::State& s) {
  lab::Mutex m;
  for (auto _ : s) ContendedJob(m, [](lab::Mutex& x) { x.lock(); }, [](lab::Mutex& x) { x.unlock(); });
}
void BM_Contended_lab_off(benchmark::State& s) {
  DetectionOff([&] { BM_Contended_lab(s); });
}

// The bounded buffer: capacity 1, 2 producers x 2 items, 2 consumers x 2 items, one
// lab::Mutex, one lab::CondVar with notify_all, the count a lab::Shared<int>.
void BoundedBuffer() {
  lab::Mutex m{"m"};
  lab::CondVar cv{"cv"};
  lab::Shared<int> count{0, "count"};
  auto producer = [&] {
    for (int i = 0; i < 2; ++i) {
      std::unique_lock lk(m);
      while (count.load() == 1) cv.wait(lk);
      count.store(1);
      cv.notify_all();
    }
  };
  auto consumer = [&] {
    for (int i = 0; i < 2; ++i) {
      std::unique_lock lk(m);
      while (count.load() == 0) cv.wait(lk);
      count.store(0);
      cv.notify_all();
    }
  };
  lab::Thread p0("p0", producer), p1("p1", producer), c0("c0", consumer), c1("c1", consumer);
  p0.join();
  p1.join();
  c0.join();
  c1.join();
}
// Baseline of the controlled rows: the floor of a fiber-based checker with no runtime at
// all. A "schedule" is the body and four threads as fibers of a FiberPool, 48 steps (the
// bounded buffer's steps per schedule with spurious wake-ups off) that each pick one of
// the four threads with the same generator as the random strategy and switch to it
// unless it is the one running, then the fibers go back to the pool.
struct BareSchedule {
  lab::internal::FiberPool* pool = nullptr;
  lab::internal::Fiber* threads[4] = {};
  lab::internal::Rng rng;
  int steps_left = 0;
};
void BareThread(BareSchedule* b, int self) {
  for (;;) {
    const int next = --b->steps_left <= 0 ? -1 : static_cast<int>(b->rng.Below(4));
    if (next == self) continue;
    lab::internal::SwitchFiber(b->threads[self],
                               next < 0 ? b->pool->OsFiber() : b->threads[next]);
  }
}
void BM_Controlled_fibers(benchmark::State& s) {
  lab::internal::FiberPool pool;
  BareSchedule b;
  b.pool = &pool;
  std::uint64_t seed = 1;
  for (auto _ : s) {
    for (int i = 0; i < 10000; ++i) {
      b.rng = lab::internal::Rng(seed++);
      b.steps_left = 48;
      for (int t = 0; t < 4; ++t) b.threads[t] = pool.Create([&b, t] { BareThread(&b, t); });
      lab::internal::SwitchFiber(pool.OsFiber(), b.threads[0]);
      for (auto* f : b.threads) pool.Release(f);
    }
  }
  s.counters["schedules_per_s"] = benchmark::Counter(
      static_cast<double>(s.iterations()) * 10000, benchmark::Counter::kIsRate);
}
void BM_Controlled_lab(benchmark::State& s) {
  lab::Options o;
  o.schedules = 10000;
  o.spurious_wakeups = false;
  std::int64_t schedules = 0;
  for (auto _ : s) {
    lab::ExploreResult r = lab::explore(o, BoundedBuffer);
    if (!r.ok()) s.SkipWithError(r.summary.c_str());
    schedules += r.schedules_run;
    o.seed++;
  }
  s.counters["schedules_per_s"] = benchmark::Counter(static_cast<double>(schedules), benchmark::Counter::kIsRate);
}

// Exhaustive search of the same workload: how many schedules DPOR needs for a proof (one
// per class of equivalent interleavings, no bound) and how many the bounded DFS runs for
// its weaker one (every schedule with at most `bound` preemptions). The DFS does not
// finish here in reasonable time even with bound 1: its budget is capped at 1M schedules
// and `finished` says whether it got through.
void BM_ExhaustiveBoundedBuffer_dpor(benchmark::State& s) {
  lab::Options o;
  o.strategy = lab::Strategy::kDpor;
  o.schedules = 10'000'000;
  o.spurious_wakeups = false;
  lab::ExploreResult r;
  for (auto _ : s) {
    r = lab::explore(o, BoundedBuffer);
    if (!r.ok() || !r.exhausted) s.SkipWithError(r.summary.c_str());
  }
  s.counters["schedules"] = r.schedules_run - r.redundant_schedules;
  s.counters["redundant"] = r.redundant_schedules;
  std::printf("dpor: %s (+%d redundant runs)\n", r.summary.c_str(), r.redundant_schedules);
}
void BM_ExhaustiveBoundedBuffer_dfs(benchmark::State& s) {
  lab::Options o;
  o.strategy = lab::Strategy::kExhaustive;
  o.preemption_bound = static_cast<int>(s.range(0));
  o.schedules = 1'000'000;
  o.spurious_wakeups = false;
  lab::ExploreResult r;
  for (auto _ : s) {
    r = lab::explore(o, BoundedBuffer);
    if (!r.ok()) s.SkipWithError(r.summary.c_str());
  }
  s.counters["schedules"] = r.schedules_run;
  s.counters["finished"] = r.exhausted ? 1 : 0;
  std::printf("dfs, bound %d: %s\n", o.preemption_bound, r.summary.c_str());
}

BENCHMARK(BM_Uncontended_std);
BENCHMARK(BM_Uncontended_absl);
BENCHMARK(BM_Uncontended_lab);
BENCHMARK(BM_Uncontended_lab_off);
BENCHMARK(BM_Nested_std);
BENCHMARK(BM_Nested_absl);
BENCHMARK(BM_Nested_lab);
BENCHMARK(BM_Nested_lab_off);
BENCHMARK(BM_Contended_std)->Unit(benchmark::kMillisecond)->Iterations(5)->UseRealTime();
BENCHMARK(BM_Contended_absl)->Unit(benchmark::kMillisecond)->Iterations(5)->UseRealTime();
BENCHMARK(BM_Contended_lab)->Unit(benchmark::kMillisecond)->Iterations(5)->UseRealTime();
BENCHMARK(BM_Contended_lab_off)->Unit(benchmark::kMillisecond)->Iterations(5)->UseRealTime();
BENCHMARK(BM_Controlled_fibers)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_Controlled_lab)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_ExhaustiveBoundedBuffer_dpor)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_ExhaustiveBoundedBuffer_dfs)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

// Prints each figure as a ratio to its group's baseline (`_std`, `_fibers`) of the same run.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& r : runs) {
      std::string name = r.benchmark_name();
      name = name.substr(0, name.find('/'));
      double t = r.GetAdjustedRealTime();
      // BM_<group>_<variant>: the group is what the variants of one workload share.
      std::string group = name.substr(0, name.find('_', 3));
      if (name == group + "_std" || name == group + "_fibers") base_[group] = t;
      all_.push_back({name, group, t});
    }
    ConsoleReporter::ReportRuns(runs);
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\nratios to the baseline measured in this run (std::mutex; bare fibers for "
                "BM_Controlled):\n");
    for (const auto& [name, group, t] : all_) {
      auto it = base_.find(group);
      if (it == base_.end() || it->second <= 0) continue;
      std::printf("  %-28s %6.2fx\n", name.c_str(), t / it->second);
    }
  }

 private:
  struct Row {
    std::string name, group;
    double t;
  };
  std::map<std::string, double> base_;
  std::vector<Row> all_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
}
