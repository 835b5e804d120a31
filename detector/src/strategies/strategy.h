// strategy.h — how a controlled run picks the next thread at a scheduling point.
//
// One strategy per file (random_strategy.cc, pct_strategy.cc, round_robin_strategy.cc,
// dfs_strategy.cc), all behind this interface. The scheduler asks only at real choices
// (more than one option). Options are ordered: the current thread first when it can go on
// (so index 0 is "no preemption"), then the other runnable threads by creation order, then
// condition-variable waiters that may wake spuriously. A wake-up with several waiters is a
// choice too (ChoiceView::wake): which of them it wakes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lab/explore.h"

namespace lab::internal {

struct ThreadState;
struct ObjectState;
enum class OpCode : std::uint8_t;
struct ThreadEvent;  // dpor_event.h
struct EventAccess;

struct ChoiceView {
  int num_runnable = 0;       // options [0, num_runnable) are runnable threads
  int num_spurious = 0;       // options [num_runnable, +num_spurious) wake a waiter spuriously
  bool current_first = false; // option 0 is the thread that was running (continuing is free)
  // Busy-waiting threads that could run are left out while another thread can run (fair
  // spinning): the choice is narrower than the program's.
  bool narrowed = false;
  // A wake-up choice, not a scheduling point: the running thread (self_tid) wakes one of
  // the threads blocked on an object (a notify_one, an unlock or a release with several
  // waiters: C++, POSIX and Python leave which one open). The options are those waiters
  // (num_runnable of them, at least 2; no spurious ones), in the order they began to wait:
  // option 0, the longest waiter, is what a FIFO queue would do. Taking any option is no
  // preemption; the thread that runs next is chosen at the next scheduling point.
  bool wake = false;
  const std::uint32_t* tids = nullptr;  // tid of each option (runnable, then spurious)
  std::int64_t step = 0;
  // The thread that reached this scheduling point (it may be blocked or finished) and how
  // many scheduling points it reached before this one: an anchor in that thread's own
  // progress, which survives changes elsewhere in the schedule (the shrinker's plans).
  std::uint32_t self_tid = 0;
  std::uint32_t self_point = 0;
  // Only for a strategy that WantsEvents() (DPOR): what every thread of the run would do
  // next, indexed by tid (dpor_event.h), and how often virtual time has jumped so far.
  const ThreadEvent* events = nullptr;
  const EventAccess* accesses = nullptr;
  int num_threads = 0;
  std::uint64_t time_jumps = 0;
  int options() const { return num_runnable + num_spurious; }
};

class SchedulingStrategy {
 public:
  virtual ~SchedulingStrategy() = default;
  // Prepares schedule `index` (0-based). False when there is nothing left to explore.
  virtual bool BeginSchedule(int index) = 0;
  // A new thread was created (PCT gives it a priority).
  virtual void OnThreadCreated(std::uint32_t tid) { (void)tid; }
  // `self` reached a scheduling point before `op` on `obj` (null for none); called before
  // the choice that follows it, only for a strategy that WantsPoints() (a virtual call per
  // step is not paid by the others). The directed deadlock search watches acquisitions here.
  virtual bool WantsPoints() const { return false; }
  virtual void OnPoint(const ThreadState& self, OpCode op, const ObjectState* obj) {
    (void)self, (void)op, (void)obj;
  }
  // The option to take, in [0, c.options()), or kAbandon: this schedule repeats explored
  // ones from here on (DPOR); the scheduler finishes it with option 0 and reports it as
  // redundant (ScheduleOutcome::redundant).
  virtual int Pick(const ChoiceView& c) = 0;
  static constexpr int kAbandon = -1;
  // True: Pick is called at every step (also with one option) with ChoiceView::events set.
  virtual bool WantsEvents() const { return false; }
  // WantsEvents strategies only: the plain-memory words (dpor_event.h: PlainWord) the step
  // that just ran loaded or stored, in program order, each once. Called when that step has
  // ended and it had any: before the next Pick, or before EndSchedule for the last step.
  virtual void StepAccesses(const EventAccess* accesses, std::size_t count) {
    (void)accesses;
    (void)count;
  }
  // The schedule ended after `steps` steps.
  virtual void EndSchedule(std::int64_t steps) { (void)steps; }
  // The token that replays the current schedule (without the "v2." prefix and flags).
  // Complete once the schedule has ended: it fixes everything the schedule depends on.
  virtual std::string Token() const = 0;
  // Exhaustive search: the bounded space was fully explored.
  virtual bool Exhausted() const { return false; }
  // The search cannot vouch for its coverage any more (DPOR met a schedule it cannot
  // judge): it ends after this schedule, and Exhausted() stays false.
  virtual void GiveUp() {}
  // A replay whose program did not offer the choices its token lists (an option out of
  // range, or choices left when the schedule ended): the token was printed for another
  // program, scenario or version of the code, and the schedule run is not its schedule.
  // Says where; empty when the schedule followed the token (or the strategy cannot tell).
  virtual std::string Diverged() const { return ""; }
  // The schedule is the simplest failing one the shrinker found (a "min" token): its
  // findings state how many preemptions the bug needs.
  virtual bool Minimal() const { return false; }
};

std::unique_ptr<SchedulingStrategy> MakeRandomStrategy(std::uint64_t seed);
// `expected_length`: PCT's k before the first schedule (later ones use the longest seen).
std::unique_ptr<SchedulingStrategy> MakePctStrategy(std::uint64_t seed, int depth,
                                                    std::int64_t expected_length = 200);
std::unique_ptr<SchedulingStrategy> MakeRoundRobinStrategy();
std::unique_ptr<SchedulingStrategy> MakeDfsStrategy(int preemption_bound);
// The same with the two bounded apart: at most `preemption_bound` switches from the running
// thread to another runnable one and at most `spurious_bound` spurious wake-ups (the
// shrinker's search: a spurious wake-up is not a preemption).
std::unique_ptr<SchedulingStrategy> MakeDfsStrategy(int preemption_bound, int spurious_bound);
// A fixed list of choices (option indices; option 0 after its end). `name` is the token's
// kind: "dfs" for a schedule of the exhaustive search, "min" for a shrunk one (Minimal).
std::unique_ptr<SchedulingStrategy> MakePathStrategy(std::vector<int> path, std::string name);

// A choice list as a token field: items joined by '-', "v" or "vxN" for N repeats of v
// (schedules are mostly option 0, "go on"). Shell-safe. Decode returns false on garbage.
std::string EncodePath(const std::vector<int>& path);
bool DecodePath(const std::string& field, std::vector<int>* out);

// Every token printed starts with this version.
inline constexpr const char* kTokenVersion = "v2";

// The token (without "v1." and flags) that replays the choices `path` (option indices at
// every real choice) through the dfs replay strategy.
std::string DfsPathToken(const std::vector<int>& path);
// Dynamic partial-order reduction (dpor_strategy.cc); at most `spurious_budget` spurious
// wake-ups per schedule.
std::unique_ptr<SchedulingStrategy> MakeDporStrategy(int spurious_budget);

// Replay: a strategy that reproduces exactly the schedule a token names.
// Tokens: "v2.random.<seed>.<index>", "v2.pct.<seed>.<depth>.<k>.<index>" (k: the expected
// schedule length that schedule used), "v2.rr", "v2.dfs.<path>", "v2.min.<path>" (the
// shrunk schedule) — each followed by ".s" when spurious wake-ups were on. v1 tokens are
// read where they are exact (random, rr, dfs, and pct schedule 0); a v1 pct token of a
// later schedule did not record k and is refused with a message saying so.
struct ReplaySpec {
  std::unique_ptr<SchedulingStrategy> strategy;
  int index = 0;
  bool spurious = false;
  lab::Strategy kind = lab::Strategy::kRandom;
  std::string error;  // non-empty when the token is malformed
  bool index_out_of_range = false;
};
ReplaySpec ParseReplayToken(const std::string& token);

// splitmix64: the seed mixer every randomized strategy uses.
inline std::uint64_t Mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// A small fast generator (xorshift64*), seeded through Mix64.
class Rng {
 public:
  explicit Rng(std::uint64_t seed = 1) : s_(Mix64(seed) | 1) {}
  [[gnu::always_inline]] std::uint64_t Next() {
    s_ ^= s_ >> 12;
    s_ ^= s_ << 25;
    s_ ^= s_ >> 27;
    return s_ * 0x2545F4914F6CDD1Dull;
  }
  // Uniform in [0, n).
  [[gnu::always_inline]] std::uint32_t Below(std::uint32_t n) {
    return static_cast<std::uint32_t>((static_cast<unsigned __int128>(Next() >> 32) * n) >> 32);
  }

 private:
  std::uint64_t s_;
};

}  // namespace lab::internal
