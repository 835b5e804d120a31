// explore.cc — lab::explore: schedules under a budget, options from LAB_* variables, and
// the hang watchdog.
#include <pthread.h>
#include <signal.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cerrno>
#include <cstdio>
#include <limits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "abort_report.h"
#include "controlled_scheduler.h"
#include "deadlock_search.h"
#include "fiber.h"
#include "lab/explore.h"
#include "lab/internal/runner_hooks.h"
#include "raw_calls.h"
#include "runtime.h"
#include "shrink.h"
#include "stack_overflow.h"
#include "strategy.h"

namespace lab {
namespace {

using internal::ControlledScheduler;

// ---- Options from the environment ----

bool ParseInt(const char* name, long long lo, long long hi, long long* out) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == 0) return false;
  char* end = nullptr;
  errno = 0;
  long long x = std::strtoll(v, &end, 10);
  if (errno != 0 || *end != 0 || x < lo || x > hi) {
    std::fprintf(stderr, "lab: ignoring %s=%s (expected an integer in [%lld, %lld])\n", name, v,
                 lo, hi);
    return false;
  }
  *out = x;
  return true;
}

bool ParseBool(const char* name, bool* out) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == 0) return false;
  std::string s(v);
  if (s == "1" || s == "true" || s == "on" || s == "yes") *out = true;
  else if (s == "0" || s == "false" || s == "off" || s == "no") *out = false;
  else {
    std::fprintf(stderr, "lab: ignoring %s=%s (expected 0/1)\n", name, v);
    return false;
  }
  return true;
}

// ---- The hang watchdog ----
//
// A thread that runs without reaching a scheduling point (a spin on a plain bool, or a
// call that blocks outside the lab) stops the whole controlled run, since only one lab
// thread runs at a time. The watchdog notices that the step counter has not moved for
// hang_timeout, reads what the OS thread is doing from /proc, and interrupts it with
// SIGUSR2; the handler records a `hang` and abandons the fiber. Should the signal not be
// delivered (ThreadSanitizer defers signals until an intercepted call), the watchdog
// reports the hang itself and ends the process with kHangExitStatus.

constexpr int kHangExitStatus = 124;

struct HangState {
  std::atomic<ControlledScheduler*> sched{nullptr};
  std::atomic<std::uint64_t> steps{0};  // scheduling points of every schedule
  std::string message;  // prepared by the watchdog before signalling
  // kHang, or kResourceLimit when the thread was allocating memory all along (kMemoryGrowthBytes)
  FindingKind kind = FindingKind::kHang;
  std::atomic<bool> fired{false};
};
HangState g_hang;
std::atomic<void (*)(const Finding&)> g_hang_fatal_hook{nullptr};

std::string DescribeOsThread(pid_t tid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/task/%d/stat", static_cast<int>(tid));
  std::ifstream st(path);
  std::string line;
  std::getline(st, line);
  char state = '?';
  auto close = line.rfind(')');
  if (close != std::string::npos && close + 2 < line.size()) state = line[close + 2];
  if (state == 'R') {
    // In the submission's dialect: std:: once it has made a std:: object, else both.
    if (internal::StdObjectsSeen()) {
      return "keeps running without reaching a scheduling point (a loop on a plain "
             "variable? use std::atomic, or a std::condition_variable with a flag)";
    }
    return "keeps running without reaching a scheduling point (a loop on a plain variable? "
           "use lab::Atomic, lab::Event or a lab::CondVar; in standard C++ std::atomic or "
           "a std::condition_variable)";
  }
  std::snprintf(path, sizeof path, "/proc/self/task/%d/syscall", static_cast<int>(tid));
  std::ifstream sc(path);
  long nr = -1;
  sc >> nr;
  switch (nr) {
    case 202:
      // In the submission's dialect: a std:: program's std::mutex and friends are modelled,
      // so what blocks is something the lab does not model.
      if (internal::StdObjectsSeen()) {
        return "is blocked outside the lab in futex(): a wait the lab does not model (a raw "
               "futex, or a standard facility the README's standard C++ section does not "
               "list); use std::mutex, std::condition_variable, std::counting_semaphore or "
               "std::atomic::wait";
      }
      return "is blocked outside the lab in futex(): a std::mutex, std::condition_variable or "
             "std::thread::join the lab cannot see; use the lab:: primitives";
    case 35:
    case 230:
      if (internal::StdObjectsSeen()) {
        return "is blocked outside the lab in a real sleep (sleep(), usleep()?); use "
               "std::this_thread::sleep_for, which is virtual time in controlled runs";
      }
      return "is blocked outside the lab in a real sleep (std::this_thread::sleep_for?); use "
             "lab::sleep_for, which is virtual time in controlled runs";
    case 0:
      return "is blocked outside the lab in read() (a pipe, socket or terminal nobody writes "
             "to?)";
    case 7:
    case 271:
      return "is blocked outside the lab in poll()";
    case 23:
    case 270:
      return "is blocked outside the lab in select()";
    case 34:
      return "is blocked outside the lab in pause()";
    case 232:
    case 281:
      return "is blocked outside the lab in epoll_wait()";
    case 43:
    case 288:
      return "is blocked outside the lab in accept()";
    case 45:
    case 47:
      return "is blocked outside the lab in recv()";
    case 61:
      return "is blocked outside the lab in wait() for a child process";
    default:
      return "is blocked outside the lab in a system call (" + std::to_string(nr) + ")";
  }
}

// The process's resident memory, in bytes (0 if /proc cannot tell).
std::uint64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

// A thread that ran past the watchdog while the process's resident memory grew by this much
// was allocating all along (a loop that allocates and never ends, a container that grows
// without bound): a `resource-limit` on memory, stopped before the sandbox's memory cap,
// which this VM's page faults (~200 MiB/s) reach only long after the watchdog. No correct
// solution allocates that much between two scheduling points of a puzzle's scenario, and
// the thread was stopped as a hang anyway: only the finding's kind and words change.
constexpr std::uint64_t kMemoryGrowthBytes = 128ull << 20;

// The message of a thread stopped while the process grew. Without the figures, which vary
// from run to run: a replay prints the same report.
std::string MemoryGrowthMessage() {
  return "keeps allocating memory without reaching a scheduling point: the process grew by "
         "more than " + std::to_string(kMemoryGrowthBytes >> 20) + " MiB since its last one "
         "and was stopped (a loop that allocates and never ends? a container that grows "
         "without bound?)";
}

std::atomic<internal::PcSiteHook> g_pc_site_hook{nullptr};

// The instruction the hang's signal interrupted, 0 where its context is not known here.
std::uintptr_t InterruptedPc(void* context) {
  [[maybe_unused]] const auto* uc = static_cast<const ucontext_t*>(context);
#if defined(__x86_64__)
  return static_cast<std::uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
  return static_cast<std::uintptr_t>(uc->uc_mcontext.pc);
#else
  return 0;
#endif
}

// `pc`: where the stopped thread was running. A spin on a plain variable never reaches
// the lab, so the thread's last site (its last operation, none when the loop is its first
// code) does not say where it spins; the line of `pc` does, when it is the student's.
Finding HangFinding(ControlledScheduler* s, std::uintptr_t pc) {
  Finding f;
  f.kind = g_hang.kind;
  internal::ThreadState* t = s->running();
  std::string name = t ? t->name : "?";
  const internal::PcSiteHook hook = g_pc_site_hook.load(std::memory_order_relaxed);
  const internal::SiteRef at = t != nullptr && pc != 0 && hook != nullptr ? hook(pc)
                                                                          : internal::SiteRef{};
  f.message = "thread '" + name + "' " +
              (at.known() ? "at " + internal::SiteText(at) + " " : std::string()) +
              g_hang.message;
  f.threads = {name};
  if (t != nullptr) {
    f.sites = {internal::ToSource(at.known() ? at : t->last_site)};
    if (!at.known() || t->last_site.known()) {
      f.steps = {{name, "last reached the lab", "", internal::ToSource(t->last_site), {}}};
    }
    if (at.known()) f.steps.push_back({name, "keeps running", "", internal::ToSource(at), {}});
  }
  return f;
}

thread_local bool tls_in_hang_signal = false;

void OnHangSignal(int, siginfo_t*, void* context) {
  ControlledScheduler* s = g_hang.sched.load();
  if (s == nullptr || !g_hang.fired.load() || s->running() == nullptr) return;
  if (internal::InLabSlowWork()) {
    // Interrupted in the lab's own work (runtime.h LabSlowWork), which may hold the lab's
    // locks: not the student's hang; the watchdog starts counting again.
    g_hang.fired.store(false);
    return;
  }
  tls_in_hang_signal = true;
  Finding f = HangFinding(s, InterruptedPc(context));
  tls_in_hang_signal = false;
  s->NoteSignalFinding(f);  // its rerun stops here (explore: RerunRecording)
  internal::AddFinding(std::move(f));
  s->AbandonFromSignal(g_hang.message);
}

class Watchdog {
 public:
  Watchdog(std::chrono::milliseconds timeout, pthread_t target, pid_t target_tid)
      : timeout_(timeout), target_(target), tid_(target_tid) {
    struct sigaction sa {};
    sa.sa_sigaction = OnHangSignal;
    sa.sa_flags = SA_NODEFER | SA_ONSTACK | SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR2, &sa, &old_);
    internal::RawCalls raw;  // the watchdog's thread, lock and condition variable are the lab's
    thread_ = std::thread([this] {
      internal::RawCalls raw_thread;
      Loop();
    });
  }
  ~Watchdog() {
    internal::RawCalls raw;
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    sigaction(SIGUSR2, &old_, nullptr);
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lk(mu_);
    std::uint64_t last = ~0ull;
    const ControlledScheduler* last_sched = nullptr;
    auto since = std::chrono::steady_clock::now();
    while (!stop_) {
      cv_.wait_for(lk, std::chrono::milliseconds(20));
      if (stop_) break;
      ControlledScheduler* s = g_hang.sched.load();
      const auto now = std::chrono::steady_clock::now();
      const std::uint64_t steps = g_hang.steps.load(std::memory_order_relaxed);
      if (s == nullptr || s != last_sched || steps != last || internal::InLabSlowWork()) {
        last_sched = s;
        last = steps;
        since = now;
        cpu_since_ = TargetCpu();
        rss_since_ = ResidentBytes();
        continue;
      }
      if (now - since < timeout_ || g_hang.fired.load()) continue;
      // A thread that is still running (state R) counts its own CPU time, not the wall
      // clock: on a loaded machine a thread starved of the CPU for the timeout has not
      // looped, it has waited for a core. A thread blocked outside the lab uses no CPU, so
      // the wall clock is what counts for it.
      const auto cpu = TargetCpu();
      if (cpu && cpu_since_ && *cpu - *cpu_since_ < timeout_ && TargetRunning()) continue;
      // A blocking call the std:: dialect saw but does not model names itself.
      internal::ThreadState* running = s->running();
      const char* outside = running != nullptr ? running->outside_call.load() : nullptr;
      g_hang.message = outside != nullptr ? std::string("is blocked outside the lab in ") +
                                                outside + ", which the lab does not model"
                                          : DescribeOsThread(tid_);
      g_hang.kind = FindingKind::kHang;
      const std::uint64_t rss = ResidentBytes();
      if (outside == nullptr && rss_since_ != 0 && rss >= rss_since_ + kMemoryGrowthBytes &&
          TargetRunning()) {
        g_hang.kind = FindingKind::kResourceLimit;
        g_hang.message = MemoryGrowthMessage();
      }
      g_hang.fired = true;
      pthread_kill(target_, SIGUSR2);
      // If the handler does not run (signals deferred), report from here and end.
      const auto deadline = now + std::chrono::seconds(3);
      while (!stop_ && g_hang.sched.load() == s && g_hang.fired.load() &&
             std::chrono::steady_clock::now() < deadline) {
        cv_.wait_for(lk, std::chrono::milliseconds(20));
      }
      if (!stop_ && g_hang.sched.load() == s && !g_hang.fired.load()) {
        // The handler declined (the lab's own work): count again from now.
        since = std::chrono::steady_clock::now();
        cpu_since_ = TargetCpu();
        continue;
      }
      if (!stop_ && g_hang.sched.load() == s) {
        Finding f = HangFinding(s, 0);
        if (auto hook = g_hang_fatal_hook.load()) hook(f);
        std::fprintf(stderr, "lab: %s\n", f.message.c_str());
        std::fflush(stderr);
        _exit(kHangExitStatus);
      }
    }
  }

  // The CPU time the target thread has used; none if its clock cannot be read (then only
  // the wall clock counts).
  std::optional<std::chrono::nanoseconds> TargetCpu() const {
    clockid_t cid;
    timespec ts{};
    if (pthread_getcpuclockid(target_, &cid) != 0 || clock_gettime(cid, &ts) != 0) {
      return std::nullopt;
    }
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
  }
  bool TargetRunning() const {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/self/task/%d/stat", static_cast<int>(tid_));
    std::ifstream st(path);
    std::string line;
    std::getline(st, line);
    const auto close = line.rfind(')');
    return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'R';
  }

  std::chrono::milliseconds timeout_;
  std::optional<std::chrono::nanoseconds> cpu_since_;
  std::uint64_t rss_since_ = 0;  // resident bytes when the step counter last moved
  pthread_t target_;
  pid_t tid_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  struct sigaction old_ {};
};

std::unique_ptr<internal::SchedulingStrategy> MakeStrategy(const Options& o) {
  switch (o.strategy) {
    case Strategy::kRandom: return internal::MakeRandomStrategy(o.seed);
    case Strategy::kPct: return internal::MakePctStrategy(o.seed, o.pct_depth);
    case Strategy::kRoundRobin: return internal::MakeRoundRobinStrategy();
    case Strategy::kExhaustive: return internal::MakeDfsStrategy(o.preemption_bound);
    case Strategy::kDpor:
      return internal::MakeDporStrategy(o.spurious_wakeups ? o.preemption_bound : 0);
  }
  return internal::MakeRandomStrategy(o.seed);
}

// Across schedules, the rule AddFinding applies within one (lab::FindingKey).
void MergeFindings(std::vector<Finding>& into, std::vector<Finding>& from) {
  for (auto& f : from) {
    const std::string key = FindingKey(f);
    bool dup = false;
    for (const auto& g : into) dup = dup || FindingKey(g) == key;
    if (!dup) into.push_back(std::move(f));
  }
}

void SetReplay(std::vector<Finding>& findings, const std::string& token, const std::string& flags) {
  for (Finding& f : findings) f.replay = std::string(internal::kTokenVersion) + "." + token + flags;
}

// Findings alike but for what a recording rerun adds (the trace) and explore sets (the
// replay token).
bool SameFindings(const std::vector<Finding>& a, const std::vector<Finding>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    Finding x = a[i], y = b[i];
    x.trace.reset();
    y.trace.reset();
    x.replay.clear();
    y.replay.clear();
    if (!(x == y)) return false;
  }
  return true;
}

// Whether MergeFindings would keep any of `found` beside `kept`.
bool AnyNew(const std::vector<Finding>& kept, const std::vector<Finding>& found) {
  for (const Finding& f : found) {
    const std::string key = FindingKey(f);
    if (std::none_of(kept.begin(), kept.end(),
                     [&](const Finding& g) { return FindingKey(g) == key; })) {
      return true;
    }
  }
  return false;
}

// The schedule just run without recording (ControlledScheduler::SetRecording) found
// something: runs it again from its replay token with recording on and takes the rerun's
// findings, which carry the trace (and leaves the choice log of that schedule for the
// shrinker). Tokens reproduce their schedule byte for byte, so the rerun finds the same;
// a program whose state differs from run to run (it counts its own runs) may not, and
// then `out` keeps its findings, without a trace. A schedule a signal ended (a hang, an
// abort, a fault) is rerun up to the place the signal came (ArmSignalStop) and ends there
// the same way, without hanging or crashing again. `out`'s statistics stay the first run's.
void RerunRecording(ControlledScheduler& sched, internal::SchedulingStrategy* strategy,
                    const std::function<internal::ScheduleOutcome()>& run_one,
                    const std::string& flags, internal::ScheduleOutcome& out) {
  ControlledScheduler::SignalStop stop = sched.TakeSignalStop();
  internal::ReplaySpec spec = internal::ParseReplayToken(
      std::string(internal::kTokenVersion) + "." + strategy->Token() + flags);
  if (!spec.error.empty() || spec.strategy == nullptr) return;
  if (out.hang) {
    if (!stop.set) return;  // a signal nobody noted: rerunning could hang for real
    sched.ArmSignalStop(std::move(stop));
  }
  sched.SetRecording(true);
  sched.SetStrategy(spec.strategy.get());
  spec.strategy->BeginSchedule(spec.index);
  internal::ScheduleOutcome again = run_one();
  sched.SetStrategy(strategy);
  sched.SetRecording(false);
  if (again.hang) out.hang = true;  // its abandoned fiber may hold state: run nothing more
  if (SameFindings(out.findings, again.findings)) out.findings = std::move(again.findings);
}

// Replaces the failing schedule `out` by the simplest one shrink.h finds with the same first
// finding, rerun exactly as its "min" token replays it, so the report is the replay's byte
// for byte. Keeps `out` when the rerun does not fail the same way (a program that is not
// deterministic under a fixed schedule, such as one that counts its own runs), and then
// leaves `*replaced` false. Returns the schedules run.
int Shrink(ControlledScheduler& sched, const std::function<internal::ScheduleOutcome()>& run_one,
           int budget, const std::string& flags, internal::ScheduleOutcome& out,
           bool* replaced) {
  *replaced = false;
  const std::string key = FindingKey(out.findings.front());
  const std::vector<internal::ChoiceRecord> failing = sched.choices();
  internal::CandidateRunner runner = [&](internal::SchedulingStrategy& s) {
    sched.SetStrategy(&s);
    internal::CandidateRun r;
    r.outcome = run_one();
    r.choices = sched.choices();
    return r;
  };
  internal::ShrinkResult s = internal::ShrinkSchedule(runner, failing, out.stats, key, budget);
  if (s.hung) return s.runs;  // an abandoned fiber may hold state: run nothing more
  auto min = internal::MakePathStrategy(s.path, "min");
  min->BeginSchedule(0);
  internal::CandidateRun final_run = runner(*min);
  if (!final_run.outcome.hang && !final_run.outcome.findings.empty() &&
      FindingKey(final_run.outcome.findings.front()) == key) {
    SetReplay(final_run.outcome.findings, min->Token(), flags);
    out = std::move(final_run.outcome);
    *replaced = true;
  }
  return s.runs + 1;
}

// What a confirmed inversion's header states the bug needs: the preemptions (⟲) of the
// confirmed deadlock's schedule shown beside it, not the inversion's own (which may show
// without any); -1 when that schedule is not shown whole.
int ShownPreemptions(const Finding& deadlock) {
  if (!deadlock.trace.has_value() || deadlock.trace->truncated) return -1;
  return static_cast<int>(std::count_if(deadlock.trace->events.begin(),
                                        deadlock.trace->events.end(),
                                        [](const TraceEvent& e) { return e.preempted; }));
}

// Potential, then confirmed (DESIGN §7): each lock-order inversion of a failing schedule
// is followed by the directed search for a schedule that really deadlocks; the deadlock
// found joins the findings, and the inversion says what the search concluded. A schedule
// that already deadlocked on the inversion's locks (a replay of the deadlock) confirms it
// without a search, so a replay prints the same report as the run it replays.
void ConfirmInversions(std::vector<Finding>& findings, const internal::RunDirected& run) {
  const auto same_locks = [](const Finding& a, const Finding& b) {
    std::vector<std::string> x = a.objects, y = b.objects;
    std::sort(x.begin(), x.end());
    std::sort(y.begin(), y.end());
    return x == y;
  };
  std::vector<Finding> confirmed;
  for (Finding& f : findings) {
    if (f.kind != FindingKind::kLockOrderInversion || f.deadlock_check != DeadlockCheck::kNone) {
      continue;
    }
    const bool deadlocked = std::any_of(findings.begin(), findings.end(), [&](const Finding& d) {
      return d.kind == FindingKind::kDeadlock && same_locks(d, f);
    });
    if (deadlocked && f.threads.size() > 1) {
      f.deadlock_check = DeadlockCheck::kConfirmed;
      for (const Finding& d : findings) {
        if (d.kind == FindingKind::kDeadlock && same_locks(d, f)) {
          f.deadlock_preemptions = ShownPreemptions(d);
          break;
        }
      }
      continue;
    }
    internal::DeadlockSearchResult r = internal::SearchDeadlock(f, run);
    f.deadlock_check = r.check;
    f.search_schedules = r.schedules;
    if (!r.deadlocks.empty()) f.deadlock_preemptions = ShownPreemptions(r.deadlocks.front());
    for (Finding& d : r.deadlocks) confirmed.push_back(std::move(d));
  }
  MergeFindings(findings, confirmed);
  // What a student reads first is the worst: a one-thread inversion (which this run
  // cannot deadlock) goes after the other findings of the schedule.
  std::stable_partition(findings.begin(), findings.end(), [](const Finding& f) {
    return f.deadlock_check != DeadlockCheck::kOneThread;
  });
}

}  // namespace

namespace internal {
void SetHangFatalHook(void (*hook)(const Finding&)) { g_hang_fatal_hook = hook; }
void SetPcSiteHook(PcSiteHook hook) { g_pc_site_hook.store(hook); }
SiteRef SiteAtPc(std::uintptr_t pc) {
  const PcSiteHook hook = g_pc_site_hook.load(std::memory_order_relaxed);
  return hook != nullptr ? hook(pc) : SiteRef{};
}
bool InHangSignal() { return tls_in_hang_signal; }
}  // namespace internal

std::string_view StrategyName(Strategy s) {
  switch (s) {
    case Strategy::kRandom: return "random";
    case Strategy::kPct: return "pct";
    case Strategy::kRoundRobin: return "rr";
    case Strategy::kExhaustive: return "dfs";
    case Strategy::kDpor: return "dpor";
  }
  return "?";
}

Options Options::FromEnv(Options o) {
  if (const char* v = std::getenv("LAB_STRATEGY"); v != nullptr && *v != 0) {
    std::string s(v);
    if (s == "random") o.strategy = Strategy::kRandom;
    else if (s == "pct") o.strategy = Strategy::kPct;
    else if (s == "rr" || s == "round-robin") o.strategy = Strategy::kRoundRobin;
    else if (s == "dfs" || s == "exhaustive") o.strategy = Strategy::kExhaustive;
    else if (s == "dpor") o.strategy = Strategy::kDpor;
    else std::fprintf(stderr, "lab: ignoring LAB_STRATEGY=%s (random|pct|rr|dfs|dpor)\n", v);
  }
  long long x;
  if (ParseInt("LAB_SEED", 0, std::numeric_limits<long long>::max(), &x)) o.seed = static_cast<std::uint64_t>(x);
  if (ParseInt("LAB_SCHEDULES", 1, 100'000'000, &x)) o.schedules = static_cast<int>(x);
  if (ParseInt("LAB_PREEMPTION_BOUND", 0, 1000, &x)) o.preemption_bound = static_cast<int>(x);
  if (ParseInt("LAB_PCT_DEPTH", 1, 100, &x)) o.pct_depth = static_cast<int>(x);
  if (ParseInt("LAB_STEP_BUDGET", 10, 1'000'000'000, &x)) o.step_budget = x;
  if (ParseInt("LAB_HANG_MS", 10, 3'600'000, &x)) o.hang_timeout = std::chrono::milliseconds(x);
  if (ParseInt("LAB_SHARED_COST_NS", 0, 1'000'000'000'000LL, &x)) o.shared_access_cost_ns = x;
  if (ParseInt("LAB_SHRINK_RUNS", 0, 1'000'000, &x)) o.shrink_runs = static_cast<int>(x);
  ParseBool("LAB_SPURIOUS", &o.spurious_wakeups);
  ParseBool("LAB_FAIR_SPIN", &o.fair_spinning);
  ParseBool("LAB_STOP_ON_FAILURE", &o.stop_on_failure);
  if (const char* v = std::getenv("LAB_REPLAY"); v != nullptr && *v != 0) o.replay = v;
  return o;
}

ExploreResult explore(const Options& options, std::function<void()> body) {
  ExploreResult result;
  if (internal::InControlledRun()) {
    Finding f;
    f.kind = FindingKind::kCrash;
    f.message = "lab::explore was called from inside a controlled run";
    result.findings.push_back(f);
    return result;
  }
  Options opt = options;
  std::unique_ptr<internal::SchedulingStrategy> strategy;
  int first_index = 0;
  int budget = std::max(1, opt.schedules);
  if (!opt.replay.empty()) {
    internal::ReplaySpec spec = internal::ParseReplayToken(opt.replay);
    if (!spec.error.empty()) {
      Finding f;
      f.kind = FindingKind::kCrash;
      f.message = spec.error;
      result.findings.push_back(f);
      result.summary = spec.error;
      return result;
    }
    strategy = std::move(spec.strategy);
    opt.spurious_wakeups = spec.spurious;
    opt.strategy = spec.kind;
    first_index = spec.index;
    budget = 1;
  } else {
    strategy = MakeStrategy(opt);
  }
  const std::string flags = opt.spurious_wakeups ? ".s" : "";

  internal::FiberPool pool;
  Watchdog watchdog(opt.hang_timeout, pthread_self(), gettid());
  internal::AbortGuard abort_guard(&g_hang.sched);  // abort(), assert(): a finding
  internal::StackOverflowGuard overflow_guard(&g_hang.sched);  // endless recursion: a finding
  ControlledScheduler sched(opt, strategy.get(), &pool, flags, &g_hang.steps);
  // One schedule under the scheduler's current strategy, watched for hangs.
  // Release stores (movs, not xchg: this runs per schedule): the watchdog's acquire load
  // of `sched` then sees `fired` cleared before it.
  auto run_one = [&] {
    g_hang.fired.store(false, std::memory_order_relaxed);
    g_hang.sched.store(&sched, std::memory_order_release);
    internal::ScheduleOutcome out = sched.RunSchedule(body);
    g_hang.sched.store(nullptr, std::memory_order_release);
    return out;
  };
  // The random and PCT searches record nothing (RerunRecording draws a finding's trace);
  // a replay, the systematic strategies (their tokens are the choice log) and round robin
  // record as they go.
  const bool lazy = opt.replay.empty() &&
                    (opt.strategy == Strategy::kRandom || opt.strategy == Strategy::kPct);
  sched.SetRecording(!lazy);
  bool exhausted = false;
  bool shrunk = false;  // the failing schedule reported is the shrinker's
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < budget; ++i) {
    if (opt.time_budget.count() > 0 && i > 0 &&
        std::chrono::steady_clock::now() - started > opt.time_budget) {
      break;  // schedules_run < budget: not exhausted
    }
    if (!strategy->BeginSchedule(first_index + i)) {
      exhausted = true;
      break;
    }
    internal::ScheduleOutcome out = run_one();
    result.schedules_run++;
    if (out.redundant) result.redundant_schedules++;
    result.last = out.stats;
    if (out.stats.duration > result.worst.duration || result.schedules_run == 1) {
      result.worst = out.stats;
    }
    if (!out.findings.empty()) {
      // Kept findings get their trace (and the shrinker its choice log) from a rerun.
      if (lazy && AnyNew(result.findings, out.findings)) {
        RerunRecording(sched, strategy.get(), run_one, flags, out);
      }
      // The token is complete only now that the schedule has ended.
      SetReplay(out.findings, strategy->Token(), flags);
      if (opt.stop_on_failure && opt.replay.empty() && opt.shrink_runs > 0 && !out.hang) {
        sched.SetRecording(true);  // the candidates' choices, the shrunk schedule's trace
        result.shrink_runs = Shrink(sched, run_one, opt.shrink_runs, flags, out, &shrunk);
        sched.SetStrategy(strategy.get());
        sched.SetRecording(!lazy);
      }
      if (result.replay_token.empty()) {
        result.replay_token = out.findings.front().replay;
        result.failing = out.stats;
      }
      MergeFindings(result.findings, out.findings);
      if (opt.stop_on_failure) break;
    }
    if (out.hang) break;  // the abandoned thread may still hold state; stop here
  }
  if (!opt.replay.empty()) {
    if (const std::string d = strategy->Diverged(); !d.empty()) {
      // Not the token's schedule: what it found would be a report of some other schedule.
      ExploreResult refused;
      refused.schedules_run = result.schedules_run;
      Finding f;
      f.kind = FindingKind::kCrash;
      f.message = "the replay token '" + opt.replay + "' does not fit this program: " + d +
                  ". It was printed for another file, scenario or version of the code; run "
                  "the check again (without --replay) for a token of this one";
      refused.summary = f.message;
      refused.findings.push_back(std::move(f));
      return refused;
    }
  }
  const bool systematic = opt.strategy == Strategy::kExhaustive || opt.strategy == Strategy::kDpor;
  if (!exhausted && strategy->Exhausted()) exhausted = true;
  if (!result.findings.empty()) {
    ConfirmInversions(result.findings, [&](internal::SchedulingStrategy* directed) {
      ControlledScheduler s(opt, directed, &pool, flags, &g_hang.steps);
      g_hang.fired = false;
      g_hang.sched = &s;
      internal::ScheduleOutcome out = s.RunSchedule(body);
      g_hang.sched = nullptr;
      return out;
    });
  }
  if (systematic && opt.replay.empty() && result.findings.empty() && !exhausted &&
      result.schedules_run == budget) {
    // The budget ran out first; one more BeginSchedule tells whether the space is done.
    exhausted = !strategy->BeginSchedule(budget);
  }
  // A DPOR search that could not keep its guarantee (a schedule that did not replay, more
  // than 64 threads) says so through Exhausted() staying false.
  if (opt.strategy == Strategy::kDpor && !strategy->Exhausted()) exhausted = false;
  result.exhausted = exhausted && systematic;

  // A replay names no strategy: a token of a shrunk schedule is a list of choices, read
  // back by the systematic search's machinery whatever strategy first found it.
  const std::string how = opt.replay.empty() ? std::string(StrategyName(opt.strategy))
                                             : std::string("replayed from its token");
  if (!result.findings.empty()) {
    result.summary = std::string(FindingId(result.findings.front().kind)) + " found in schedule " +
                     std::to_string(result.schedules_run) + " (" + how +
                     "); replay: " + result.replay_token;
    if (result.shrink_runs > 0 && !shrunk) {
      // Its token is the search's own: no simpler schedule failed the same way again (the
      // program's state differs from run to run), so nothing was shrunk.
      result.summary += " (not shrunk: " + std::to_string(result.shrink_runs) +
                        " reruns did not fail the same way)";
    } else if (result.shrink_runs > 0) {
      const int p = result.failing.preemptions;
      result.summary += " (shrunk in " + std::to_string(result.shrink_runs) + " runs to " +
                        std::to_string(p) + (p == 1 ? " preemption, " : " preemptions, ") +
                        std::to_string(result.failing.steps) + " steps)";
    }
  } else if (result.exhausted && opt.strategy == Strategy::kDpor) {
    result.summary = "all " + std::to_string(result.schedules_run - result.redundant_schedules) +
                     " inequivalent schedules explored, no bug";
    if (opt.spurious_wakeups) {
      result.summary += " (at most " + std::to_string(opt.preemption_bound) +
                        " spurious wake-ups per schedule)";
    }
  } else if (result.exhausted) {
    result.summary = "all " + std::to_string(result.schedules_run) + " schedules with at most " +
                     std::to_string(opt.preemption_bound) + " preemptions explored, no bug";
  } else if (!opt.replay.empty()) {
    result.summary = "the schedule of " + opt.replay + " (replayed from its token): no bug found";
  } else {
    result.summary = std::to_string(result.schedules_run) + " schedules (" +
                     std::string(StrategyName(opt.strategy)) + ", seed " +
                     std::to_string(opt.seed) + "), no bug found";
  }
  return result;
}

std::string replay_token_error(const std::string& token) {
  return internal::ParseReplayToken(token).error;
}

RunStats current_run_stats() {
  ControlledScheduler* s = internal::ActiveScheduler();
  if (s == nullptr) return {};
  return s->Stats();
}

void report(FindingKind kind, std::string message, std::vector<std::string> objects) {
  internal::ThreadState* self = internal::Self();
  internal::RtGuard g;
  Finding f;
  f.kind = kind;
  f.message = std::move(message);
  f.threads = {self->name};
  f.objects = std::move(objects);
  if (self->last_site.known()) f.sites = {internal::ToSource(self->last_site)};
  internal::AddFinding(std::move(f));
}

}  // namespace lab
