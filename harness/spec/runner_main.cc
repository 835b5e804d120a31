// runner_main.cc — main() of a compiled submission: runs the spec's scenarios.
//
//   sub --list                      {"puzzle":...,"scenarios":[{"name","points","description"}]}
//   sub --run S [--replay TOKEN]    one scenario, the fixed default budget (or exactly the
//                                   replayed schedule); one JSON record on fd 3 (stdout when
//                                   fd 3 is not open)
//
// The record carries the key the grader wrote on fd 4, read before any of the
// submission's code runs (a .preinit_array entry linked first), so output the submission prints can never pass
// for a completion record. The default budget is fixed seeds, never wall time: the same
// submission gets the same findings. Stress runs (real threads, seeded noise) run last;
// what they find is reported under "stress_findings" and does not decide the grade, since
// real parallel runs are not reproducible.
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "lab/explore.h"
#include "lab/report.h"
#include "harden.h"
#include "lab/internal/runner_hooks.h"
#include "record_fit.h"
#include "lab/spec.h"

namespace {

// Constant-initialised, so no dynamic initialiser can overwrite what ReadKey stored.
char g_key[256];
std::size_t g_key_len = 0;
unsigned g_hardened = 0;  // harden.h's layers in force (a graded run)
std::string g_puzzle_name;
std::string g_scenario;
nlohmann::json g_schedules = nlohmann::json::object();
std::vector<lab::Finding> g_findings;
std::vector<lab::Finding> g_stress;
lab::RunStats g_worst;
std::int64_t g_work = 0;
std::string g_summary;

// System calls made directly, not through libc: a submission that defines its own `read`
// or `write` (the executable's definition wins over libc's) must not see the key or edit
// the record on its way out.
long RawSyscall3(long nr, long a, long b, long c) {
#if defined(__x86_64__)
  long ret;
  asm volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return ret;
#else
  return syscall(nr, a, b, c);  // elsewhere libc's wrapper (interposable: weaker)
#endif
}
long RawRead(int fd, void* buf, std::size_t n) {
  return RawSyscall3(SYS_read, fd, reinterpret_cast<long>(buf), static_cast<long>(n));
}
long RawWrite(int fd, const void* buf, std::size_t n) {
  return RawSyscall3(SYS_write, fd, reinterpret_cast<long>(buf), static_cast<long>(n));
}
bool RawFdOpen(int fd) { return RawSyscall3(SYS_fcntl, fd, F_GETFD, 0) >= 0; }

// Reads the grader's key from fd 4 before any code of the submission runs. A .preinit_array
// entry runs before every constructor, whatever its priority, and before every .init_array
// entry; the grader links this archive before the submission's object (compile_command.cc),
// so this entry also comes before any .preinit_array entry of the submission's, and refuses
// an ifunc resolver (the one thing that runs earlier: binary_check.h).
void ReadKey(int, char**, char**) {
  if (!RawFdOpen(4)) return;
  long n;
  while (g_key_len < sizeof g_key &&
         (n = RawRead(4, g_key + g_key_len, sizeof g_key - g_key_len)) > 0) {
    g_key_len += static_cast<std::size_t>(n);
  }
  RawSyscall3(SYS_close, 4, 0, 0);
  // A graded run (the grader passes a key): seal the lab's code before the submission's
  // first constructor could patch it (harden.h).
  g_hardened = lab::spec::harden::HardenGradedRun();
}
__attribute__((section(".preinit_array"), used)) void (*g_read_key)(int, char**, char**) =
    ReadKey;

// The findings as the record sends them: a finding keeps its trace only when it is the
// first of its kind in the list. The grader shows the interleaving of the first finding
// and of the first deadlock (a confirmed inversion's); a later finding of a kind already
// there is named in "also found" by its id alone. One failing schedule of a spinning
// racy answer yields a data-race finding per pair of racing lines, each with its own
// trace of up to kTraceKeep events (~70 KB): twenty of them passed the result channel's
// 1 MiB, the record was cut, and a plain data race was graded as a `crash`.
nlohmann::json FindingsArray(const std::vector<lab::Finding>& fs) {
  std::vector<lab::Finding> sent = fs;
  std::vector<lab::FindingKind> traced;
  for (lab::Finding& f : sent) {
    if (std::find(traced.begin(), traced.end(), f.kind) != traced.end()) {
      f.trace.reset();
    } else {
      traced.push_back(f.kind);
    }
  }
  return nlohmann::json::parse(lab::FindingsToJson(sent, false))["findings"];
}

// Quiets the program's output from Start() to Stop() (or destruction): stdout (fd 1) goes
// to /dev/null; stderr (fd 2) to a memory file that holds what the current schedule wrote
// (emptied at every schedule's start, NewSchedule), so that a crash can still show the
// crashing schedule's last lines (CrashTail) while thousands of repeated debug lines never
// reach the sandbox's output limit. A runaway printer is still stopped by the CPU, step and
// wall-clock limits meanwhile.
class QuietOutput {
 public:
  QuietOutput() = default;
  QuietOutput(const QuietOutput&) = delete;
  QuietOutput& operator=(const QuietOutput&) = delete;
  ~QuietOutput() { Stop(); }
  // Where the program's own stdout is now (the record goes there when fd 3 is closed).
  int RealStdout() const {
    const int saved = saved_out_.load();
    return saved >= 0 ? saved : 1;
  }
  void Start() {
    if (saved_out_.load() >= 0) return;
    const int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null < 0) return;
    std::fflush(nullptr);
    const int saved = fcntl(1, F_DUPFD_CLOEXEC, 10);
    if (saved >= 0 && dup2(null, 1) >= 0) saved_out_.store(saved);
    close(null);
    // O_APPEND: every write lands at the end, also after NewSchedule truncates.
    const int mem = memfd_create("lab-stderr", MFD_CLOEXEC);
    if (mem < 0 || fcntl(mem, F_SETFL, O_APPEND) != 0) {
      if (mem >= 0) close(mem);
      return;
    }
    const int saved_err = fcntl(2, F_DUPFD_CLOEXEC, 10);
    if (saved_err >= 0 && dup2(mem, 2) >= 0) {
      mem_.store(mem);
      saved_err_.store(saved_err);
    } else {
      close(mem);
      if (saved_err >= 0) close(saved_err);
    }
  }
  // A schedule starts: what the last one wrote to stderr is dropped.
  void NewSchedule() {
    const int mem = mem_.load();
    if (mem >= 0) (void)ftruncate(mem, 0);
  }
  // Async-signal-safe: stderr back to the real one, with the last bytes the current
  // schedule wrote (a crash, or a hang the watchdog ends the process for).
  void CrashTail() {
    const int mem = mem_.exchange(-1);
    const int saved = saved_err_.exchange(-1);
    if (mem < 0 || saved < 0) return;
    dup2(saved, 2);
    char buf[4096];
    const off_t size = lseek(mem, 0, SEEK_END);
    const off_t from = size > static_cast<off_t>(sizeof buf) ? size - static_cast<off_t>(sizeof buf) : 0;
    const ssize_t n = size > 0 ? pread(mem, buf, sizeof buf, from) : 0;
    if (n > 0) (void)write(2, buf, static_cast<std::size_t>(n));
  }
  void Stop() {
    std::fflush(nullptr);
    const int saved = saved_out_.exchange(-1);
    if (saved >= 0) {
      dup2(saved, 1);
      close(saved);
    }
    const int saved_err = saved_err_.exchange(-1);
    if (saved_err >= 0) {
      dup2(saved_err, 2);
      close(saved_err);
    }
    const int mem = mem_.exchange(-1);
    if (mem >= 0) close(mem);
  }

 private:
  std::atomic<int> saved_out_{-1};  // read by the watchdog's OnHang
  std::atomic<int> saved_err_{-1};
  std::atomic<int> mem_{-1};
};
QuietOutput g_quiet;

// A crash while stderr is quieted: show the crashing schedule's stderr, then die as before.
void OnCrashSignal(int sig) {
  g_quiet.CrashTail();
  signal(sig, SIG_DFL);
  raise(sig);
}
void ShowStderrOnCrash() {
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL}) {
    struct sigaction sa {};
    sa.sa_handler = OnCrashSignal;
    sa.sa_flags = SA_RESETHAND | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, nullptr);
  }
}

void WriteRecord() {
  nlohmann::json r;
  r["record"] = "lab-scenario-v1";
  r["puzzle"] = g_puzzle_name;
  r["scenario"] = g_scenario;
  r["completed"] = true;
  r["key"] = std::string(g_key, g_key_len);
  r["schedules"] = g_schedules;
  r["findings"] = FindingsArray(g_findings);
  r["stress_findings"] = FindingsArray(g_stress);
  r["stats"] = {{"worst_duration_ns", g_worst.duration.count()},
                {"worst_span_ns", g_worst.span.count()},
                {"work_ns", g_work}};
  r["summary"] = g_summary;
  r["hardened"] = g_hardened;
  lab::record_fit::FitRecord(r);  // what the grader reads of the channel (record_fit.h)
  std::string text = r.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  int fd = RawFdOpen(3) ? 3 : g_quiet.RealStdout();
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const long w = RawWrite(fd, p, left);
    if (w <= 0) break;
    p += w;
    left -= static_cast<std::size_t>(w);
  }
}

// A progress line on the result channel ("lab-progress main", "lab-progress stress"),
// before the record: a run the grader stops at its wall-clock limit is then known to have
// hung before main() (a global object's constructor: no line), in the stress runs, or after
// its record (at exit). The first and the last happen alike in every scenario, so the
// grader does not wait the limit again for the others (scenario_run.h). Nothing when fd 3
// is not open (the record then goes to stdout alone).
void Progress(const char* phase) {
  if (!RawFdOpen(3)) return;
  char line[64];
  const int n = std::snprintf(line, sizeof line, "lab-progress %s\n", phase);
  if (n > 0) RawWrite(3, line, static_cast<std::size_t>(n));
}

// A fatal finding in a stress run (a real deadlock or stall): record it and end.
void OnFatal(const lab::Finding& f) {
  g_stress.push_back(f);
  g_summary = "stress run: " + std::string(f.id());
  WriteRecord();
  std::fflush(nullptr);
  _exit(0);
}

// A hang the watchdog could not interrupt: record it and end (the watchdog exits).
void OnHang(const lab::Finding& f) {
  g_quiet.CrashTail();  // the watchdog's own message goes to the real stderr
  g_findings.push_back(f);
  g_summary = "hang";
  WriteRecord();
}

// The scenario named `name`; null when there is none, or (with *twice) more than one: a
// submission that #includes the spec with its checks renamed away registers look-alikes
// before the spec's own, and the first one found would be graded.
const lab::spec::Scenario* Find(const std::string& name, bool* twice) {
  const lab::spec::Scenario* found = nullptr;
  *twice = false;
  for (const auto& s : lab::spec::Registry()) {
    if (name != s.config.name) continue;
    if (found != nullptr) *twice = true;
    found = found != nullptr ? found : &s;
  }
  return *twice ? nullptr : found;
}

// `lab check --seed S --schedules-scale F` reach the runner as LAB_SEED and
// LAB_SCHEDULES_SCALE; the defaults (seed 1, scale 1) are what grading uses.
std::uint64_t Seed() {
  const char* v = std::getenv("LAB_SEED");
  if (v == nullptr || *v == 0) return 1;
  char* end = nullptr;
  unsigned long long s = std::strtoull(v, &end, 10);
  return (end != nullptr && *end == 0) ? s : 1;
}

int Scaled(int schedules) {
  const char* v = std::getenv("LAB_SCHEDULES_SCALE");
  if (v == nullptr || *v == 0 || schedules <= 0) return schedules;
  char* end = nullptr;
  double f = std::strtod(v, &end);
  if (end == nullptr || *end != 0 || !(f > 0) || f > 1000) return schedules;
  return std::max(1, static_cast<int>(schedules * f));
}

// How many schedules a failure may spend on shrinking (lab::Options::shrink_runs). Not set
// by the grader (the sandbox passes a fixed environment): an author's knob, to measure what
// shrinking costs with scripts/run-spec.sh (LAB_SHRINK_RUNS=0: report failures as found).
int ShrinkRuns() {
  const char* v = std::getenv("LAB_SHRINK_RUNS");
  if (v == nullptr || *v == 0) return lab::Options{}.shrink_runs;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  return (end != nullptr && *end == 0 && n >= 0 && n <= 1'000'000) ? static_cast<int>(n)
                                                                   : lab::Options{}.shrink_runs;
}

lab::Options BaseOptions(const lab::spec::ScenarioConfig& c) {
  lab::Options o;
  o.seed = Seed();
  o.shrink_runs = ShrinkRuns();
  o.step_budget = c.step_budget;
  o.spurious_wakeups = c.spurious_wakeups;
  o.fair_spinning = c.fair_spinning;
  o.shared_access_cost_ns = c.shared_access_cost_ns;
  o.preemption_bound = c.preemption_bound;
  o.pct_depth = 3;
  return o;
}

void Absorb(const lab::ExploreResult& r) {
  if (r.worst.duration > g_worst.duration) g_worst = r.worst;
  g_work = std::max<std::int64_t>(g_work, r.worst.work.count());
  for (const auto& f : r.findings) {
    lab::Finding g = f;
    g.scenario = g_scenario;
    g_findings.push_back(std::move(g));
  }
  g_summary = r.summary;
}

// A scenario's body, then the check for primitives the puzzle forbids (LAB_FORBID).
std::function<void()> Body(const lab::spec::Scenario& s) {
  return [fn = s.fn] {
    g_quiet.NewSchedule();
    fn();
    lab::spec::CheckForbidden();
  };
}

// Whether every finding of `r` is ExpectSpanAtMost's too-slow (the check fired, and nothing
// else did: no duration check, no other kind).
bool OnlySpanTooSlow(const lab::ExploreResult& r) {
  if (r.findings.empty() || !lab::spec::SpanCheckFired() || lab::spec::DurationCheckFired()) {
    return false;
  }
  for (const lab::Finding& f : r.findings) {
    if (f.kind != lab::FindingKind::kTooSlow) return false;
  }
  return true;
}

// After a schedule whose span exceeded ExpectSpanAtMost's limit: whether another schedule
// of the scenario keeps within it, which means the work can overlap and the long span came
// from the order that schedule chose (lab/spec.h). The PCT and random searches again (100
// random schedules for a scenario that has neither), the check counting instead of
// reporting, until one schedule passes.
bool SpanCanOverlap(const lab::spec::Scenario& s) {
  const auto& c = s.config;
  const std::pair<lab::Strategy, int> searches[] = {
      {lab::Strategy::kPct, c.pct_schedules},
      {lab::Strategy::kRandom,
       c.pct_schedules > 0 || c.random_schedules > 0 ? c.random_schedules : 100}};
  lab::spec::SetSpanCheck(lab::spec::SpanCheck::kProbe);
  int run = 0;
  for (const auto& [strategy, schedules] : searches) {
    if (schedules <= 0) continue;
    lab::Options o = BaseOptions(c);
    o.strategy = strategy;
    o.schedules = Scaled(schedules);
    o.shrink_runs = 0;
    run += lab::explore(o, Body(s)).schedules_run;
    if (lab::spec::SpanProbePasses() > 0) break;
  }
  g_schedules["span_probe"] = run;
  const bool overlap = lab::spec::SpanProbePasses() > 0;
  lab::spec::SetSpanCheck(overlap ? lab::spec::SpanCheck::kMet : lab::spec::SpanCheck::kGrade);
  return overlap;
}

int Run(const lab::spec::Scenario& s, const std::string& replay) {
  const auto& c = s.config;
  if (!replay.empty()) {
    lab::Options o = BaseOptions(c);
    o.replay = replay;
    lab::ExploreResult r = lab::explore(o, Body(s));
    g_schedules["replay"] = r.schedules_run;
    Absorb(r);
    WriteRecord();
    return 0;
  }
  struct Phase {
    const char* key;
    lab::Strategy strategy;
    int schedules;
  };
  // DPOR after the quick bug finders; when it finishes without a finding, the dfs sweep
  // adds nothing (and its summary, the proof, stays the record's).
  const Phase phases[] = {{"pct", lab::Strategy::kPct, c.pct_schedules},
                          {"random", lab::Strategy::kRandom, c.random_schedules},
                          {"dpor", lab::Strategy::kDpor, c.dpor_schedules},
                          {"dfs", lab::Strategy::kExhaustive, c.dfs_schedules}};
  bool proven = false;
  bool span_probed = false;
  for (std::size_t i = 0; i < std::size(phases); ++i) {
    const Phase& p = phases[i];
    g_schedules[p.key] = 0;
    if (p.schedules <= 0 || !g_findings.empty()) continue;
    // What the submission prints (debug output a LeetCode answer may keep), on stdout and
    // on stderr, is kept from the first search only: thousands of later schedules would
    // print it again and again until the sandbox's output limit stopped a correct solution
    // as `resource-limit`. A crash later still shows its own schedule's stderr.
    if (&p != &phases[0]) g_quiet.Start();
    if (proven && p.strategy == lab::Strategy::kExhaustive) continue;
    lab::Options o = BaseOptions(c);
    o.strategy = p.strategy;
    o.schedules = Scaled(p.schedules);
    // The systematic searches share what the scenario's wall-clock limit (60 s) leaves: a
    // search that would take longer stops without its proof instead of the whole scenario
    // being killed as a `hang` (std::scoped_lock's retry loops make DPOR's tree deep).
    if (p.strategy == lab::Strategy::kDpor) o.time_budget = std::chrono::seconds(15);
    if (p.strategy == lab::Strategy::kExhaustive) o.time_budget = std::chrono::seconds(10);
    lab::ExploreResult r = lab::explore(o, Body(s));
    g_schedules[p.key] = r.schedules_run;
    // A span over the limit that another schedule avoids is no over-serialisation: this
    // search again, with the span check met (once per scenario).
    if (!span_probed && OnlySpanTooSlow(r)) {
      span_probed = true;
      g_quiet.Start();
      if (SpanCanOverlap(s)) {
        --i;
        continue;
      }
    }
    if (r.shrink_runs > 0) g_schedules["shrink"] = r.shrink_runs;
    if (p.strategy == lab::Strategy::kExhaustive) g_schedules["dfs_exhausted"] = r.exhausted;
    if (p.strategy == lab::Strategy::kDpor) {
      g_schedules["dpor_exhausted"] = r.exhausted;
      proven = r.exhausted && r.ok();
    }
    Absorb(r);
  }
  g_quiet.Stop();
  g_schedules["stress"] = 0;
  if (g_findings.empty()) {
    Progress("stress");
    const int stress_runs = Scaled(c.stress_runs);  // --schedules-scale: more stress runs too
    for (int i = 0; i < stress_runs; ++i) {
      lab::internal::ClearFreeFindings();
      lab::internal::ForgetFreeLockOrder();
      lab::internal::SetStressNoise(true, 1000 + static_cast<std::uint64_t>(i));
      Body(s)();
      lab::internal::SetStressNoise(false, 0);
      g_schedules["stress"] = i + 1;
      std::vector<lab::Finding> fs = lab::findings();
      if (!fs.empty()) {
        for (auto& f : fs) {
          f.scenario = g_scenario;
          g_stress.push_back(f);
        }
        break;
      }
    }
  }
  WriteRecord();
  return 0;
}

int Usage() {
  std::fprintf(stderr,
               "usage: %s --list | --run <scenario> [--replay <token>]\n"
               "  the lab's scenario runner; use `lab check` to run it\n",
               program_invocation_short_name);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  lab::internal::SetFindingPrinting(false);
  lab::internal::SetFatalHook(&OnFatal);
  lab::internal::SetHangFatalHook(&OnHang);
  lab::set_on_deadlock(lab::OnDeadlock::kAbort);
  ShowStderrOnCrash();
  g_puzzle_name = lab::spec::PuzzleName();
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 1 && args[0] == "--list") {
    nlohmann::json out;
    out["puzzle"] = g_puzzle_name;
    out["scenarios"] = nlohmann::json::array();
    for (const auto& s : lab::spec::Registry()) {
      out["scenarios"].push_back({{"name", s.config.name},
                                  {"points", s.config.points},
                                  {"description", s.config.description}});
    }
    std::printf("%s\n", out.dump().c_str());
    return 0;
  }
  if ((args.size() == 2 || args.size() == 4) && args[0] == "--run") {
    std::string replay;
    if (args.size() == 4) {
      if (args[2] != "--replay") return Usage();
      replay = args[3];
    }
    g_scenario = args[1];
    Progress("main");
    bool twice = false;
    const lab::spec::Scenario* s = Find(g_scenario, &twice);
    if (twice) {
      std::fprintf(stderr,
                   "lab runner: scenario '%s' is defined more than once: a submission must not "
                   "#include the puzzle's spec or define scenarios of its own\n",
                   g_scenario.c_str());
      return 2;
    }
    if (s == nullptr) {
      std::fprintf(stderr, "lab runner: no scenario '%s'\n", g_scenario.c_str());
      return 2;
    }
    return Run(*s, replay);
  }
  return Usage();
}
