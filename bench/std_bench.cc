// std_bench.cc — `make bench`, second executable: the bounded buffer of lab_bench written
// in standard C++ as a student would (std::mutex, std::condition_variable, a plain int),
// under lab::explore, as a ratio to the lab:: version (lab::Mutex, lab::CondVar,
// lab::Shared<int>) measured in the same run of the same binary (issue #11, item 7;
// target >= 0.7x).
//
// This file is compiled with -fsanitize=thread (the instrumentation only) and linked with
// liblab_std instead of libtsan, exactly as a std:: submission; the lab:: workload is in
// std_bench_lab.cc, built without it. Same strategy (random), seed, options, threads
// (2 producers, 2 consumers), items (2 each) and schedules (10000 per iteration).
//
// Before measuring, main checks that the std:: version really is controlled and checked
// and exits with status 1 if not: its schedules must have scheduling points in the lab::
// version's order of magnitude, no finding, and a variant with one plain read of the
// count outside the lock must be reported as a data race by the same explore.
#include <benchmark/benchmark.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "lab/explore.h"
#include "std_bench_workloads.h"

namespace {

// `kRacy`: the producers peek at the count before taking the lock (a plain read outside
// the lock, racing with the other threads' writes under it), the bug of issue #11 item 6.
template <bool kRacy>
void StdBoundedBuffer() {
  std::mutex m;
  std::condition_variable cv;
  int count = 0;
  int full_peeks = 0;
  auto producer = [&] {
    for (int i = 0; i < lab_bench::kItemsPerThread; ++i) {
      const bool looked_full = kRacy && count == 1;
      std::unique_lock<std::mutex> lk(m);
      if (looked_full) ++full_peeks;
      while (count == 1) cv.wait(lk);
      count = 1;
      cv.notify_all();
    }
  };
  auto consumer = [&] {
    for (int i = 0; i < lab_bench::kItemsPerThread; ++i) {
      std::unique_lock<std::mutex> lk(m);
      while (count == 0) cv.wait(lk);
      count = 0;
      cv.notify_all();
    }
  };
  std::thread p0(producer), p1(producer), c0(consumer), c1(consumer);
  p0.join();
  p1.join();
  c0.join();
  c1.join();
  benchmark::DoNotOptimize(full_peeks);
}

lab::Options BenchOptions() {
  lab::Options o;
  o.schedules = 10000;
  o.spurious_wakeups = false;
  return o;
}

template <void (*Body)()>
void Controlled(benchmark::State& s) {
  lab::Options o = BenchOptions();
  std::int64_t schedules = 0;
  lab::ExploreResult r;
  for (auto _ : s) {
    r = lab::explore(o, Body);
    if (!r.ok()) s.SkipWithError(r.summary.c_str());
    schedules += r.schedules_run;
    o.seed++;
  }
  s.counters["schedules_per_s"] =
      benchmark::Counter(static_cast<double>(schedules), benchmark::Counter::kIsRate);
  s.counters["steps_last"] = static_cast<double>(r.last.steps);
}
void BM_Controlled_lab(benchmark::State& s) { Controlled<lab_bench::LabBoundedBuffer>(s); }
void BM_Controlled_std(benchmark::State& s) { Controlled<StdBoundedBuffer<false>>(s); }

// The lab:: and std:: rows alternate (3 repetitions each) so that a burst of load on the
// shared machine does not land on one dialect only.
BENCHMARK(BM_Controlled_lab)->Unit(benchmark::kMillisecond)->Iterations(3)->Repetitions(3);
BENCHMARK(BM_Controlled_std)->Unit(benchmark::kMillisecond)->Iterations(3)->Repetitions(3);

// Fails loudly (returns false) unless the std:: version is controlled and checked.
bool SelfCheck() {
  lab::Options o = BenchOptions();
  o.schedules = 1000;
  const lab::ExploreResult lab_r = lab::explore(o, lab_bench::LabBoundedBuffer);
  const lab::ExploreResult std_r = lab::explore(o, StdBoundedBuffer<false>);
  const lab::ExploreResult racy = lab::explore(o, StdBoundedBuffer<true>);
  bool race_found = false;
  for (const lab::Finding& f : racy.findings) race_found |= f.kind == lab::FindingKind::kDataRace;
  std::printf("self-check, %d schedules each (seed %llu):\n", o.schedules,
              static_cast<unsigned long long>(o.seed));
  std::printf("  lab:: %d schedules, %lld scheduling points in the last: %s\n",
              lab_r.schedules_run, static_cast<long long>(lab_r.last.steps),
              lab_r.summary.c_str());
  std::printf("  std:: %d schedules, %lld scheduling points in the last: %s\n",
              std_r.schedules_run, static_cast<long long>(std_r.last.steps),
              std_r.summary.c_str());
  std::printf("  std:: with a plain read outside the lock: %s\n", racy.summary.c_str());
  const double steps_ratio =
      lab_r.last.steps > 0 ? static_cast<double>(std_r.last.steps) / lab_r.last.steps : 0;
  bool ok = true;
  auto fail = [&ok](const char* why) {
    std::fprintf(stderr, "std_bench: SELF-CHECK FAILED: %s\n", why);
    ok = false;
  };
  if (!lab_r.ok() || !std_r.ok()) fail("a correct bounded buffer got a finding");
  if (std_r.schedules_run != lab_r.schedules_run) fail("the dialects ran different schedule counts");
  if (steps_ratio < 0.1 || steps_ratio > 10)
    fail("the std:: version's scheduling points are not in the lab:: version's order of "
         "magnitude: std::mutex / condition_variable / thread are not under the scheduler");
  if (!race_found) fail("the plain read outside the lock was not reported as a data race");
  return ok;
}

// Prints the std:: rows as a ratio of schedules/s to the lab:: rows of this run (mean
// over the repetitions, CPU time: the machine is shared, and a controlled run is one OS
// thread switching fibers, so CPU time is its cost).
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Iteration) continue;
      const std::string name = r.run_name.function_name;
      cpu_[name] += r.GetAdjustedCPUTime();
      real_[name] += r.GetAdjustedRealTime();
    }
    ConsoleReporter::ReportRuns(runs);
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    const double lab_cpu = cpu_["BM_Controlled_lab"], std_cpu = cpu_["BM_Controlled_std"];
    const double lab_real = real_["BM_Controlled_lab"], std_real = real_["BM_Controlled_std"];
    if (lab_cpu <= 0 || std_cpu <= 0) return;
    std::printf("\nstd:: bounded buffer, schedules/s as a ratio to the lab:: one in this run "
                "(target >= 0.70x):\n  %.2fx (CPU time), %.2fx (wall time)\n",
                lab_cpu / std_cpu, lab_real / std_real);
  }

 private:
  std::map<std::string, double> cpu_, real_;
};

// `std_bench --profile=std|lab [--schedules=N]`: runs N schedules (default 3000) of one
// dialect only, with no self-check and no benchmark, and prints them: for callgrind, where
// (instructions of N2 schedules - instructions of N1) / (N2 - N1) is the cost of one
// schedule without the process's fixed costs.
int Profile(const char* dialect, int schedules) {
  lab::Options o = BenchOptions();
  o.schedules = schedules;
  const bool is_std = std::strcmp(dialect, "std") == 0;
  if (!is_std && std::strcmp(dialect, "lab") != 0) {
    std::fprintf(stderr, "std_bench: --profile takes std or lab, not '%s'\n", dialect);
    return 2;
  }
  const lab::ExploreResult r =
      lab::explore(o, is_std ? StdBoundedBuffer<false> : lab_bench::LabBoundedBuffer);
  std::printf("%s:: %d schedules, %lld scheduling points in the last: %s\n", dialect,
              r.schedules_run, static_cast<long long>(r.last.steps), r.summary.c_str());
  return r.ok() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const char* profile = nullptr;
  int schedules = 3000;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--profile=", 10) == 0) profile = argv[i] + 10;
    if (std::strncmp(argv[i], "--schedules=", 12) == 0) schedules = std::atoi(argv[i] + 12);
  }
  if (profile != nullptr) return Profile(profile, schedules);
  benchmark::Initialize(&argc, argv);
  if (!SelfCheck()) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
