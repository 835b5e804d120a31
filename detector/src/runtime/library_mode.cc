// library_mode.cc — library mode: a program linked with liblab that runs on real threads
// (the free run). Findings are printed as they happen, LAB_REPORT receives them as JSON at
// exit, and a fatal finding (a real deadlock) follows the policy of lab::set_on_deadlock /
// LAB_ON_DEADLOCK (DESIGN §7). Also the runner's switches for the free run.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "controlled_scheduler.h"
#include "lab/explore.h"
#include "lab/report.h"
#include "raw_calls.h"
#include "runtime.h"

namespace lab::internal {

std::atomic<bool> g_detection_off{false};

namespace {

std::atomic<OnDeadlock> g_policy{OnDeadlock::kAbort};
std::atomic<void (*)(const Finding&)> g_fatal_hook{nullptr};
std::atomic<bool> g_print{true};

bool IsColorTerminal() { return isatty(2) != 0 && std::getenv("NO_COLOR") == nullptr; }

void PrintFinding(const Finding& f) {
  if (!g_print.load()) return;
  TextStyle style;
  style.color = IsColorTerminal();
  std::string text = FormatFindingText(f, style);
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

void WriteReportFile() {
  const char* path = std::getenv("LAB_REPORT");
  if (path == nullptr || *path == 0) return;
  std::vector<Finding> copy;
  {
    RtLock lk;
    copy = FreeRun().findings;
  }
  std::ofstream out(path, std::ios::trunc);
  out << FindingsToJson(copy);
}

void AtExit() {
  // The main thread ending while it holds a lab lock.
  ThreadState* self = tls_self;
  if (self != nullptr && tls_run == nullptr && !self->held.empty()) OnThreadExit(self);
  WriteReportFile();
}

// Registers the exit handler when the program starts, so LAB_REPORT is written even when
// the program never touches a lab primitive.
struct Init {
  Init() {
    FreeRun().on_finding = [](const Finding& f) { PrintFinding(f); };
    std::atexit(AtExit);
    if (const char* p = std::getenv("LAB_ON_DEADLOCK")) {
      std::string_view v(p);
      if (v == "throw") g_policy = OnDeadlock::kThrow;
      else if (v == "report") g_policy = OnDeadlock::kReport;
      else if (v == "abort") g_policy = OnDeadlock::kAbort;
      else std::fprintf(stderr, "lab: LAB_ON_DEADLOCK=%s is not abort|throw|report; using abort\n", p);
    }
  }
} g_init;

}  // namespace

void SetFatalHook(void (*hook)(const Finding&)) { g_fatal_hook = hook; }
void SetFindingPrinting(bool print) { g_print = print; }
void SetDetectionOff(bool off) {
  // The fast paths are closed while detection is off: their slow paths see the flag.
  RtLock lk;
  g_detection_off = off;
  for (auto& t : FreeRun().threads) t->fast_paths.store(!off && !g_stress_noise.load());
}
void ClearFreeFindings() {
  RtLock lk;
  FreeRun().findings.clear();
  FreeRun().finding_keys.clear();
}
void ForgetFreeLockOrder() {
  RtLock lk;
  Run& run = FreeRun();
  run.lock_order.Clear();  // nodes stay: objects that outlive a run keep theirs
  // The threads' record of edges already seen: they must be added again. Only the caller
  // runs now (every thread of the last run was joined), so no thread reads its cache.
  for (auto& t : run.threads) {
    for (auto& e : t->edge_cache) e = 0;
  }
}

void FatalFinding(ThreadState* self, Finding f, std::unique_lock<std::mutex>* held) {
  Run* run = CurrentRun();
  AddFinding(std::move(f));
  if (run->mode == RunMode::kControlled) {
    run->sched->EndRun();  // does not return
  }
  switch (g_policy.load()) {
    case OnDeadlock::kAbort: {
      if (held != nullptr && held->owns_lock()) held->unlock();
      if (auto hook = g_fatal_hook.load()) hook(run->findings.back());
      WriteReportFile();
      std::fflush(nullptr);
      _exit(kDeadlockExitStatus);
    }
    case OnDeadlock::kThrow: {
      std::string what = run->findings.empty() ? "deadlock" : run->findings.back().message;
      if (held != nullptr && held->owns_lock()) held->unlock();
      self->waiting_on.store(nullptr);
      throw DeadlockError(what);
    }
    case OnDeadlock::kReport:
      return;
  }
}

int DeadlockExitStatus() { return kDeadlockExitStatus; }

}  // namespace lab::internal

namespace lab {

void set_on_deadlock(OnDeadlock policy) { internal::g_policy = policy; }

std::vector<Finding> findings() {
  internal::RtLock lk;
  return internal::FreeRun().findings;
}

void write_report() { internal::WriteReportFile(); }

}  // namespace lab
