// spec.cc — the scenario registry and the checks specs call.
#include "lab/spec.h"

#include "lab/explore.h"
#include "lab/internal/runner_hooks.h"

namespace lab::spec {
namespace {
const char* g_puzzle = "";
}

std::vector<Scenario>& Registry() {
  static std::vector<Scenario>* r = new std::vector<Scenario>;
  return *r;
}
void SetPuzzleName(const char* name) { g_puzzle = name; }
const char* PuzzleName() { return g_puzzle; }

bool Controlled() { return lab::internal::InControlledRun(); }

void Fail(std::string message) { lab::report(FindingKind::kWrongOutput, std::move(message)); }

namespace {
std::string Ms(std::chrono::nanoseconds d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f ms", static_cast<double>(d.count()) / 1e6);
  return buf;
}
}  // namespace

void ExpectSpanAtMost(std::chrono::nanoseconds limit, std::string_view what) {
  if (!Controlled()) return;  // virtual time only
  RunStats s = current_run_stats();
  if (s.span > limit) {
    lab::report(FindingKind::kTooSlow,
                std::string(what) + ": the critical path (span) is " + Ms(s.span) +
                    " of virtual time for " + Ms(s.work) + " of work; at most " + Ms(limit) +
                    " is expected when independent work overlaps");
  }
}

void ExpectDurationAtMost(std::chrono::nanoseconds limit, std::string_view what) {
  if (!Controlled()) return;
  RunStats s = current_run_stats();
  if (s.duration > limit) {
    lab::report(FindingKind::kTooSlow, std::string(what) + ": took " + Ms(s.duration) +
                                           " of virtual time; at most " + Ms(limit) +
                                           " is expected");
  }
}

}  // namespace lab::spec
