// lab/finding.h — findings as plain data.
//
// A Finding is what an analysis concluded: a stable id (DESIGN §4), a one-line message,
// the threads, sites and objects involved, the steps that explain it (the cycle of a
// deadlock, the two accesses of a race), and for controlled runs the replay token and the
// interleaving. Analyses build findings; writers (report_text.h, report_json.h) print them
// and decide nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lab {

// The finding ids. The order is the order of DESIGN §4; the ids are stable.
enum class FindingKind : std::uint8_t {
  kDeadlock,
  kStall,
  kSelfDeadlock,
  kLockOrderInversion,
  kDataRace,
  kUnlockNotOwner,
  kUnlockUnlocked,
  kDestroyedWhileLocked,
  kExitHoldingLock,
  kWaitWithoutLock,
  kSemaphoreOverRelease,
  kThreadNotJoined,
  kWrongOutput,
  kLivelock,
  kHang,
  kTooSlow,
  kCrash,
  kUncaughtException,
  kCompileError,
  kResourceLimit,
};
inline constexpr int kNumFindingKinds = 20;

// "deadlock", "data-race", ... as in DESIGN §4.
std::string_view FindingId(FindingKind kind);
// The kind whose id is `id`, or nullopt.
std::optional<FindingKind> FindingKindFromId(std::string_view id);
// Every kind, in declaration order.
const std::vector<FindingKind>& AllFindingKinds();

// The teaching text of a kind: why it is a bug and the usual fix (`lab explain <id>`).
std::string_view FindingExplanation(FindingKind kind);
// A short title ("Deadlock", "Data race", ...).
std::string_view FindingTitle(FindingKind kind);

// A source position in the code under test: "fizzbuzz.cpp:14".
struct SourceSite {
  std::string file;  // as the compiler saw it; writers show the basename
  int line = 0;
  bool operator==(const SourceSite&) const = default;
  bool known() const { return line > 0; }
};

// One step that explains a finding: `thread` did `action` on `object` at `site`.
// A deadlock cycle is a list of steps ("holds", "waits for"); a race is two steps
// ("write", "read"); a lock-order inversion is one step per edge.
struct FindingStep {
  std::string thread;
  std::string action;  // "holds", "waits for", "write", "read", "acquired ... while holding ..."
  std::string object;
  SourceSite site;
  SourceSite site2;  // for a lock-order edge: where the first lock was taken
  bool operator==(const FindingStep&) const = default;
};

// One operation of an interleaving, for the trace of a controlled run.
struct TraceEvent {
  int thread = 0;        // index into Trace::threads
  std::string op;        // "lock", "unlock", "wait", "write", ...
  std::string object;    // object name, may be empty
  SourceSite site;
  // The scheduler had switched away from this thread, still runnable, just before this
  // step: the step ran only when the thread was next scheduled, where the trace draws it.
  bool preempted = false;
  std::int64_t vtime_ns = 0;
  std::string note;        // "blocked", "woke (spurious)", ...
  // A condition-variable wait: the lock it gives up while it waits and takes back when it
  // wakes ("" for any other operation). Lets a writer draw each lock's held span.
  std::string lock = {};  // (an initializer: brace-initialised events may leave it out)
  // One of the two accesses of a data race on plain memory (the std:: dialect): plain
  // accesses are no scheduling points, so this row is not a step of the schedule; it is
  // drawn where the access happened, between the steps around it.
  bool race = false;
  bool operator==(const TraceEvent&) const = default;
};

struct Trace {
  std::vector<std::string> threads;  // thread names, column order
  std::vector<TraceEvent> events;
  bool truncated = false;  // only the last events are kept for long runs
  // The preemptions of the schedule up to the finding, set when the schedule is the
  // simplest failing one the shrinker found (a "min" replay token): the report then says
  // "this bug needs N preemptions". -1: not shrunk, nothing claimed.
  int preemptions = -1;
  // The spurious wake-ups the scheduler injected into that schedule (with preemptions).
  int spurious_wakeups = 0;
  // Steps the run made after the failing one, not drawn: a wrong output's run goes on past
  // the wrong item, and its trace ends at that item (its row noted "the wrong item").
  int later = 0;
  bool operator==(const Trace&) const = default;
};

// What the directed search for a real deadlock (DESIGN §7, DeadlockFuzzer) concluded
// about a lock-order inversion found in a controlled run.
enum class DeadlockCheck : std::uint8_t {
  kNone,       // not searched (a stress run, a replay, or not an inversion)
  kConfirmed,  // a schedule deadlocks: the `deadlock` finding beside it, with its replay
  kOneThread,  // one thread took every edge: this run cannot deadlock (two threads would)
  kNotFound,   // the directed schedules never had the threads hold the cycle's locks at once
};
// "confirmed", "one-thread", "not-found"; "" for kNone.
std::string_view DeadlockCheckId(DeadlockCheck c);
std::optional<DeadlockCheck> DeadlockCheckFromId(std::string_view id);

struct Finding {
  FindingKind kind = FindingKind::kCrash;
  std::string message;  // one line
  std::vector<std::string> threads;
  std::vector<SourceSite> sites;
  std::vector<std::string> objects;
  std::vector<FindingStep> steps;
  std::string replay;  // replay token of the controlled run that found it, "" otherwise
  std::optional<Trace> trace;
  std::string scenario;  // set by the harness: which scenario of a puzzle
  DeadlockCheck deadlock_check = DeadlockCheck::kNone;  // lock-order inversions
  int search_schedules = 0;  // schedules the directed deadlock search ran
  // kConfirmed: the preemptions (⟲) of the confirmed deadlock's schedule, which the
  // inversion's header states as what the bug needs; -1 when not known (a truncated trace).
  int deadlock_preemptions = -1;
  // This finding's own teaching explanation where its kind's does not fit (a primitive the
  // puzzle does not allow is a wrong-output, but no ordering bug); empty: the kind's.
  std::string why;
  bool operator==(const Finding&) const = default;

  std::string_view id() const { return FindingId(kind); }
};

// The explanation a report gives `f`: its own (Finding::why) or its kind's.
std::string_view FindingExplanation(const Finding& f);

// The one de-duplication rule, within a schedule and across schedules: two findings are
// the same when id, sites and objects agree. The message is not part of it: "winner was 1"
// and "winner was 2" from the same check are one finding. The shrinker keeps a schedule
// only while its first finding has the key of the original.
std::string FindingKey(const Finding& f);

}  // namespace lab
