// lab/spec.h — writing a puzzle's spec: scenarios, checks and points.
//
// A puzzle's spec.cpp is compiled in one translation unit after the student's solution
// (it sees the puzzle's class) and linked with the scenario runner. Each scenario is a
// body that builds the student's object, drives it from named lab threads, joins them and
// checks what was recorded:
//
//   LAB_PUZZLE("fizzbuzz");
//
//   LAB_SCENARIO(n15, .points = 4, .description = "1..15 from four threads") {
//     FizzBuzz fb(15);
//     lab::spec::Recorder out;
//     lab::Thread a("fizz", [&] { fb.fizz([&] { out.emit("fizz"); }); });
//     ...
//     a.join(); ...
//     LAB_EXPECT_EQ(out.joined(" "), "1 2 fizz 4 buzz ...");
//   }
//
// The runner executes every scenario under the controlled scheduler (PCT, random and, for
// small scenarios, DPOR or a preemption-bounded sweep) and under real parallel stress; a failed
// check is a `wrong-output` (or `too-slow`) finding of that schedule, with its trace and
// replay token. Designated initialisers must follow the order of ScenarioConfig's fields.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "lab/explore.h"
#include "lab/finding.h"
#include "lab/sync.h"

namespace lab::spec {

struct ScenarioConfig {
  const char* name = "";
  double points = 1;
  const char* description = "";
  int pct_schedules = 150;     // controlled schedules with PCT (depth 3)
  int random_schedules = 150;  // controlled schedules with the random strategy
  int dfs_schedules = 0;       // > 0: a preemption-bounded sweep of at most this many schedules
  int preemption_bound = 2;
  int stress_runs = 5;         // real parallel runs with seeded noise
  bool spurious_wakeups = true;
  // A busy-waiting thread (a loop of yields, loads, try_locks) lets the others run first, so
  // a spin that would end passes (lab::Options::fair_spinning). False where the contract
  // forbids polling: a spinner may then keep the CPU, and a waiter that spins is a `livelock`.
  bool fair_spinning = true;
  std::int64_t shared_access_cost_ns = 0;  // virtual work charged per lab::Shared access
  std::int64_t step_budget = 50000;        // per schedule, before `livelock`
  // > 0: after PCT and random, DPOR with at most this many schedules (one per class of equivalent
  // interleavings, no preemption bound; `preemption_bound` caps spurious wake-ups). When
  // it finishes without a finding the scenario is proven for every interleaving, and the
  // dfs sweep is skipped. For scenarios whose checks see only lab objects and the Recorder
  // (plain memory shared between threads is outside DPOR's model).
  int dpor_schedules = 0;
};

using ScenarioFn = void (*)();

struct Scenario {
  ScenarioConfig config;
  ScenarioFn fn;
};

// All scenarios of the spec, in declaration order.
std::vector<Scenario>& Registry();
void SetPuzzleName(const char* name);
const char* PuzzleName();

// Registers the spec's file (`file`: its __FILE__): no report names a spec's lines, and
// the spec's own operations (starting, joining, checking) stay out of traces.
void MarkSpecFile(const char* file);

struct Registrar {
  Registrar(ScenarioConfig c, ScenarioFn fn, const char* file = nullptr) {
    Registry().push_back({c, fn});
    MarkSpecFile(file);
  }
};
struct PuzzleNamer {
  explicit PuzzleNamer(const char* name, const char* file = nullptr) {
    SetPuzzleName(name);
    MarkSpecFile(file);
  }
};

// Which thread produced item i of a Recorder, and the student's line that called the
// callback (unknown when the spec emitted it itself).
struct Blame {
  std::string item;
  std::string thread;
  SourceSite site;
  std::string words = {};  // the puzzle's words for it ("crawls http://a"); "" for a print
  // Its index in the Recorder (blame(i)): Fail ends the trace at its row.
  std::size_t index = static_cast<std::size_t>(-1);
};

// Records what the student's callbacks print, in order, which lab thread printed each item
// (so a spec can check that a callback ran on the thread it was given to) and the
// student's line that called the callback. emit() is a scheduling point, so the
// interleaving around output is explored too, and a trace row in the puzzle's words at
// that line. Thread-safe in every kind of run.
class Recorder {
 public:
  // Records `item`; the trace says "prints <item>". Returns its index, for blame().
  std::size_t emit(std::string item);
  // Records `item`; the trace says `words` ("picks up fork 2"). Returns its index: a check
  // made inside the callback points at it with Fail(message, blame(index)).
  std::size_t emit(std::string item, std::string_view words);
  std::vector<std::string> items() const {
    std::lock_guard<std::mutex> lk(mu_);
    return items_;
  }
  // threads()[i] is the name of the lab thread that emitted items()[i].
  std::vector<std::string> threads() const {
    std::lock_guard<std::mutex> lk(mu_);
    return threads_;
  }
  // Who printed items()[i] and where; i < size().
  Blame blame(std::size_t i) const {
    std::lock_guard<std::mutex> lk(mu_);
    return Blame{items_.at(i), threads_.at(i), sites_.at(i), words_.at(i), i};
  }
  std::string joined(std::string_view sep = "") const {
    std::lock_guard<std::mutex> lk(mu_);
    std::string out;
    for (std::size_t i = 0; i < items_.size(); ++i) {
      if (i) out += sep;
      out += items_[i];
    }
    return out;
  }
  std::size_t size() const {
    std::lock_guard<std::mutex> lk(mu_);
    return items_.size();
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> items_;
  std::vector<std::string> threads_;
  std::vector<SourceSite> sites_;
  std::vector<std::string> words_;  // "" where the trace says "prints <item>"
  std::size_t record(std::string item, std::string_view words, bool printed);
};

// --- Forbidden primitives -------------------------------------------------------------
// A puzzle that teaches how to build a primitive forbids the lab's ready-made one:
//
//   LAB_FORBID(lab::Event, "the puzzle is to build an event from lab::Mutex and lab::CondVar");
//
// (at namespace scope in spec.cpp). Each scenario of a submission that constructs a
// lab::Event then fails with a `wrong-output` naming the primitive, its declaration site and
// the reason. What counts is the object actually constructed, found by its declaration
// site (file:line): objects declared in the spec itself are allowed, and a mention in a
// comment or a string is not a use. The check runs after each scenario body. (The spec
// declares its own objects of a forbidden kind directly, not through a std container,
// whose construction site would be a system header rather than spec.cpp.)

// The runtime kind of a lab primitive type.
template <class T>
struct KindOf;
template <> struct KindOf<lab::Mutex> { static constexpr auto value = internal::ObjKind::kMutex; };
template <> struct KindOf<lab::RLock> { static constexpr auto value = internal::ObjKind::kRLock; };
template <> struct KindOf<lab::SharedMutex> {
  static constexpr auto value = internal::ObjKind::kSharedMutex;
};
template <> struct KindOf<lab::CondVar> { static constexpr auto value = internal::ObjKind::kCondVar; };
template <> struct KindOf<lab::Semaphore> {
  static constexpr auto value = internal::ObjKind::kSemaphore;
};
template <> struct KindOf<lab::BoundedSemaphore> {
  static constexpr auto value = internal::ObjKind::kBoundedSemaphore;
};
template <> struct KindOf<lab::Event> { static constexpr auto value = internal::ObjKind::kEvent; };
template <> struct KindOf<lab::Barrier> { static constexpr auto value = internal::ObjKind::kBarrier; };

struct ForbiddenPrimitive {
  internal::ObjKind kind;
  const char* primitive;  // as the spec spelled it: "lab::Event"
  const char* why;
  const char* spec_file;  // __FILE__ of the spec: objects declared there are allowed
};
void Forbid(ForbiddenPrimitive f);
struct Forbidder {
  explicit Forbidder(ForbiddenPrimitive f) { Forbid(f); }
};
// Reports one wrong-output for each forbidden primitive the submission has constructed
// (in this process, so far). The runner calls it after every scenario body.
void CheckForbidden();

// A wrong-output finding with `message` in the current schedule.
void Fail(std::string message);
// The same, pointing at the item that went wrong: the thread that printed it and the
// student's line that printed it.
void Fail(std::string message, const Blame& culprit);
// A wrong-output whose report explains it with `why` instead of the general text about
// ordering bugs (Finding::why): a failure that is no interleaving's, such as a primitive
// the puzzle does not allow.
void FailExplained(std::string message, std::string why);
// too-slow when the schedule's virtual span (critical path) exceeds `limit` and no schedule
// of the scenario keeps it within its limit (SpanProbe below): over-serialisation is a
// property of every interleaving. A schedule can chain the work of one thread after
// another's through a hand-off that is no serialisation (a statistics counter, atomic or
// under its own lock, that one thread updates after the other has finished): a bank-wide
// lock exceeds the limit in every schedule, such a counter only in some.
void ExpectSpanAtMost(std::chrono::nanoseconds limit, std::string_view what);

// The runner's side of ExpectSpanAtMost (runner_main.cc), for the scenario being run.
enum class SpanCheck {
  kGrade,  // a span over the limit is a too-slow finding (and SpanCheckFired says so)
  kProbe,  // no finding: each schedule within its limit counts (SpanProbePasses)
  kMet,    // a probed schedule kept within it: nothing more to check in this scenario
};
void SetSpanCheck(SpanCheck mode);
// Since the last SetSpanCheck: whether kGrade reported a span over the limit, and how
// many schedules kProbe saw within theirs.
bool SpanCheckFired();
int SpanProbePasses();
// Whether ExpectDurationAtMost reported (its too-slow is a virtual duration, not a span).
bool DurationCheckFired();
// too-slow when the schedule's virtual duration exceeds `limit`.
void ExpectDurationAtMost(std::chrono::nanoseconds limit, std::string_view what);
// Whether the scenario runs under the controlled scheduler (virtual time) right now.
bool Controlled();

template <class T>
std::string Show(const T& v) {
  std::ostringstream os;
  if constexpr (std::is_same_v<T, std::string> || std::is_convertible_v<T, std::string_view>) {
    os << '"' << v << '"';
  } else {
    os << v;
  }
  return os.str();
}

}  // namespace lab::spec

#include "lab/spec_macros.h"
