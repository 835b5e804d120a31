// spec.cc — the scenario registry, the recorder and the checks specs call.
#include "lab/spec.h"

#include "caller_site.h"
#include "lab/explore.h"
#include "lab/internal/hooks.h"
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


void MarkSpecFile(const char* file) { lab::internal::MarkSpecFile(file); }

std::size_t Recorder::emit(std::string item) {
  const std::string words = "prints " + item;
  return record(std::move(item), words, true);
}

std::size_t Recorder::emit(std::string item, std::string_view words) {
  return record(std::move(item), words, false);
}

std::size_t Recorder::record(std::string item, std::string_view words, bool printed) {
  // The student's call of the callback, or (the spec reporting a method's return) the
  // thread's last line in the student's code: where the trace row goes.
  const lab::internal::SiteRef site = lab::internal::SayOp(words, internal::StudentCallerSite());
  std::string who(lab::this_thread_name());
  std::lock_guard<std::mutex> lk(mu_);
  items_.push_back(std::move(item));
  threads_.push_back(std::move(who));
  SourceSite where;
  if (site.known()) where = SourceSite{site.file, static_cast<int>(site.line)};
  sites_.push_back(std::move(where));
  words_.push_back(printed ? std::string() : std::string(words));
  return items_.size() - 1;
}

namespace {
// A spec's check belongs to no thread of the code under test and to none of its lines.
void AddCheckFinding(FindingKind kind, Finding f) {
  f.kind = kind;
  lab::internal::ReportFinding(std::move(f));
}
void AddWrongOutput(Finding f) { AddCheckFinding(FindingKind::kWrongOutput, std::move(f)); }
// A too-slow verdict is about the whole schedule: no thread, no line.
void AddTooSlow(std::string message) {
  Finding f;
  f.message = std::move(message);
  AddCheckFinding(FindingKind::kTooSlow, std::move(f));
}
}  // namespace

void Fail(std::string message) {
  Finding f;
  f.message = std::move(message);
  AddWrongOutput(std::move(f));
}

void FailExplained(std::string message, std::string why) {
  Finding f;
  f.message = std::move(message);
  f.why = std::move(why);
  AddWrongOutput(std::move(f));
}

void Fail(std::string message, const Blame& culprit) {
  Finding f;
  f.message = std::move(message);
  if (!culprit.thread.empty()) f.threads = {culprit.thread};
  if (culprit.site.known()) f.sites = {culprit.site};
  // "thread 'buzz'  printed  'buzz'", or in the puzzle's words: "thread 'fetcher-2'
  // crawls http://a".
  if (culprit.words.empty()) {
    f.steps = {{culprit.thread, "printed", culprit.item, culprit.site, {}}};
  } else {
    f.steps = {{culprit.thread, culprit.words, "", culprit.site, {}}};
  }
  // The trace ends at the item's row (the run went on past it): the trace's events are the
  // Recorder's in order when it is the schedule's only one, which the words confirm.
  if (culprit.index != static_cast<std::size_t>(-1)) {
    lab::internal::FocusNextFindingOnSay(
        culprit.index, culprit.words.empty() ? "prints " + culprit.item : culprit.words);
  }
  AddWrongOutput(std::move(f));
}

namespace {
std::string Ms(std::chrono::nanoseconds d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f ms", static_cast<double>(d.count()) / 1e6);
  return buf;
}
}  // namespace

namespace {
SpanCheck g_span_check = SpanCheck::kGrade;
bool g_span_fired = false;
bool g_duration_fired = false;
int g_span_passes = 0;
}  // namespace

void SetSpanCheck(SpanCheck mode) {
  g_span_check = mode;
  g_span_fired = false;
  g_duration_fired = false;
  g_span_passes = 0;
}
bool SpanCheckFired() { return g_span_fired; }
int SpanProbePasses() { return g_span_passes; }
bool DurationCheckFired() { return g_duration_fired; }

void ExpectSpanAtMost(std::chrono::nanoseconds limit, std::string_view what) {
  if (!Controlled()) return;  // virtual time only
  RunStats s = current_run_stats();
  if (g_span_check == SpanCheck::kMet) return;
  if (g_span_check == SpanCheck::kProbe) {
    if (s.span <= limit) ++g_span_passes;
    return;
  }
  if (s.span > limit) {
    g_span_fired = true;
    AddTooSlow(std::string(what) + ": the critical path (span) is " + Ms(s.span) +
               " of virtual time for " + Ms(s.work) + " of work; at most " + Ms(limit) +
               " is expected when independent work overlaps");
  }
}

void ExpectDurationAtMost(std::chrono::nanoseconds limit, std::string_view what) {
  if (!Controlled()) return;
  RunStats s = current_run_stats();
  if (s.duration > limit) {
    g_duration_fired = true;
    AddTooSlow(std::string(what) + ": took " + Ms(s.duration) + " of virtual time; at most " +
               Ms(limit) + " is expected");
  }
}

}  // namespace lab::spec
