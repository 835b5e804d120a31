// dpor_strategy.cc — exhaustive search with dynamic partial-order reduction: one schedule
// per class of equivalent interleavings (Mazurkiewicz traces), without a preemption bound.
//
// The algorithm is Flanagan and Godefroid's DPOR (POPL 2005) with sleep sets, stateless:
// the search keeps the stack of states (nodes) of the current schedule; every schedule
// replays the prefix up to the deepest node with a thread left to try, runs it, and goes
// on with fresh nodes. At every fresh node, for every thread q, the next step of q is
// compared with the steps already run: the last one that is dependent with it and does not
// happen before q (vector clocks) marks a race, and q is added to the backtrack set of the
// node that step ran from (every thread that could run there when q could not). Sleep
// sets keep two complete schedules from ever being equivalent: a schedule that reaches a
// node where every thread that could run is asleep repeats explored ones from there: it
// is finished with option 0 and counted as redundant, not as a schedule. So when the stack
// empties, the complete schedules run are exactly one per equivalence class under the
// dependence below: "all N inequivalent schedules".
//
// Events and dependence (the footprints come from runtime/event_recorder.cc):
//   - A step runs from one scheduling point to the next: the announced operation (or the
//     rest of the operation the thread blocked in), then the thread's own code. Its
//     footprint is the objects that operation touches, each read or written; two steps of
//     different threads are dependent when they touch one object and one of them writes.
//     Shared reads are reads, Shared writes writes; every lock, condvar, semaphore, event,
//     barrier operation writes its object (is_set and waiting on a set event only read).
//     A condvar wait writes the condvar and every lock its thread holds (the one it
//     releases is among them), and so does the step after its wake-up (it re-acquires).
//     Join and thread exit write the thread; every spawn writes the thread table (tids are
//     given in spawn order); a spawned thread's first step happens after its spawn.
//   - Blocking: a step that would only park its thread (a lock another thread holds, an
//     empty semaphore, an unset event, an unfinished thread to join, a woken waiter whose
//     lock is taken) is not enabled. Such steps run only when no step is enabled; then they
//     park their threads one by one, in every order that matters (they are dependent when
//     they touch one object, so queue orders are explored), and each is ordered after
//     every step before it (they could not have run earlier).
//   - Virtual time: time moves only when no thread can run; the jump wakes the sleepers
//     and the timed waits. Every thread is parked at a jump, and every step after it runs
//     because of it or of a later step, so the jump is ordered after every step before it
//     and before every step after it (no race crosses it; within an epoch the clock is
//     constant, so sleeping and reading the clock touch nothing).
//   - Spurious wake-ups: a parked condvar waiter may be woken as a step of its own (it
//     writes the condvar, its locks and the wake-up budget), at most `budget` times per
//     schedule; the budget is an object every such step writes, so the bound is sound.
//     A wake-up is never due: where it is the only step that can run and other threads
//     would block, both are explored, the wake-up and the parking steps without it
//     (which may end the run as a stall: a lost notify).
//   - Wake-ups: which of several waiters a notify_one, an unlock or a release wakes is
//     open (no order is promised), so it is a choice inside the waker's step
//     (ChoiceView::wake): each option is a step of its own of that thread, and every one
//     is explored wherever the step runs (the node's `wakes`, tried deepest first before
//     the node's next thread), as the outcomes of one nondeterministic transition. They
//     share the step's footprint (the waker writes the object whoever it wakes; the woken
//     thread's next step writes it too, so it is ordered after the wake), so a sleep set
//     that holds the step holds every option, each explored below the node it ran from.
//   - Yields all write one pseudo-object: code yields around what the lab cannot see (a
//     spin on plain memory, the spec Recorder's emit), so their order is explored.
//   - Plain memory (the standard-C++ dialect: loads and stores of instrumented code) is
//     touched inside steps, not at their points, so it is known only once a step has run
//     (StepAccesses): each 8-byte word a step loaded or stored joins its footprint as a
//     read or a write. So two steps that share no lab object but a plain variable, one of
//     them writing it, are dependent, and their orders are explored. The race check of a
//     node compares each thread's next step by its announced operation only; a step with
//     plain accesses is checked again when it ends, with its whole footprint, against
//     every step before it (what Flanagan and Godefroid's check at its node would have
//     found, had the footprint been known there). Sleep sets compare footprints of two
//     schedules: see Dependent for how a word is named across them (heap words
//     conservatively).
//   - Futex waits (the std:: dialect's std::atomic::wait, latch, semaphores, futures): the
//     wait reads its word and writes its queue, the wake writes the queue, and every
//     std::atomic operation touches its word, all as plain words of the step
//     (sync/futex_ops.cc, stdcxx/tsan_atomics.cc): a wait is dependent with every store to
//     its word, plain or atomic, whichever object its scheduling point names.
//   Outside the model: memory that neither the lab's objects nor the instrumentation see
//   (the native dialect's plain variables between two points: DPOR takes two steps that
//   touch no common lab object as independent whatever such memory they share; the DFS
//   interleaves them at step granularity as well), and object construction and
//   destruction, which are no scheduling points; and the atomics inside libstdc++.so (not
//   instrumented: std::future's state word), whose stores the lab does not see (only the
//   futex operations on them).
// Replay tokens are "dfs" paths (the choices at points with several options), replayed by
// the dfs PathStrategy.
#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "dpor_event.h"
#include "stamped_index.h"
#include "strategy.h"

namespace lab::internal {
namespace {

using Mask = std::uint64_t;
constexpr std::size_t kMaxThreads = 64;
inline Mask Bit(std::uint32_t t) { return Mask{1} << t; }

struct Acc {
  std::uint64_t key;       // the object's or word's name in this schedule (Canon), or a tag
  bool write;
  std::uintptr_t word = 0;  // a plain-memory word: EventAccess::where; 0 for objects, tags
};
using Footprint = std::vector<Acc>;

using Clock = std::vector<std::uint32_t>;  // by tid
void Join(Clock& a, const Clock& b) {
  if (a.size() < b.size()) a.resize(b.size(), 0);
  for (std::size_t i = 0; i < b.size(); ++i) a[i] = std::max(a[i], b[i]);
}
std::uint32_t At(const Clock& c, std::uint32_t t) { return t < c.size() ? c[t] : 0; }

struct Event {
  std::uint32_t tid = 0;
  std::uint32_t seq = 0;  // the thread's count of steps, its own component of `clock`
  bool forced = false;
  Clock clock;  // happens-before: the steps before it it depends on, transitively
};

// A footprint sorted for the cross-schedule comparison (Dependent): each name once, with
// whether any access to it writes. Objects and tags by name; plain words both by name and
// by where they are (EventAccess::where); the heap words again by name. One array of four
// sorted runs (one allocation per copy, as the unsorted footprint had).
struct Sorted {
  using Entry = std::pair<std::uint64_t, bool>;  // (name or where, writes)
  struct Run {
    const Entry* begin;
    const Entry* end;
  };
  std::vector<Entry> all;  // objects | words by name | words by where | heap words by name
  std::size_t ends[4] = {};
  std::uint64_t max_heap = 0, max_heap_write = 0;  // the heap words' greatest names (0: none)
  Run run(int i) const {
    const Entry* base = all.data();
    return {base + (i == 0 ? 0 : ends[i - 1]), base + ends[i]};
  }
};
enum SortedRun { kObjects = 0, kWordsByName = 1, kWordsByWhere = 2, kHeapByName = 3 };

// Sorts `v` and merges equal names (writes if any access writes).
void SortMerge(std::vector<Sorted::Entry>* v) {
  std::sort(v->begin(), v->end());
  std::size_t out = 0;
  for (std::size_t i = 0; i < v->size(); ++i) {
    if (out > 0 && (*v)[out - 1].first == (*v)[i].first) {
      (*v)[out - 1].second = (*v)[out - 1].second || (*v)[i].second;
    } else {
      (*v)[out++] = (*v)[i];
    }
  }
  v->resize(out);
}
// Sorts `fp` into `out` (its array reused). `scratch`: four lists reused from step to step
// (no allocation once they have grown).
void SortInto(const Footprint& fp, std::vector<Sorted::Entry> (&scratch)[4], Sorted* out) {
  out->max_heap = out->max_heap_write = 0;
  for (auto& v : scratch) v.clear();
  for (const Acc& a : fp) {
    if (a.word == 0) {
      scratch[kObjects].emplace_back(a.key, a.write);
    } else {
      scratch[kWordsByName].emplace_back(a.key, a.write);
      scratch[kWordsByWhere].emplace_back(a.word, a.write);
      if (IsHeapWord(a.word)) {
        scratch[kHeapByName].emplace_back(a.key, a.write);
        out->max_heap = std::max(out->max_heap, a.key);
        if (a.write) out->max_heap_write = std::max(out->max_heap_write, a.key);
      }
    }
  }
  out->all.clear();
  for (int i = 0; i < 4; ++i) {
    SortMerge(&scratch[i]);
    out->all.insert(out->all.end(), scratch[i].begin(), scratch[i].end());
    out->ends[i] = out->all.size();
  }
}
// Whether two sorted runs share a name that one of them writes; `a` up to `a_limit` only.
bool Conflict(Sorted::Run a, Sorted::Run b, std::uint64_t a_limit = ~std::uint64_t{0}) {
  const Sorted::Entry* i = a.begin;
  const Sorted::Entry* j = b.begin;
  while (i != a.end && j != b.end && i->first <= a_limit) {
    if (i->first < j->first) {
      ++i;
    } else if (j->first < i->first) {
      ++j;
    } else {
      if (i->second || j->second) return true;
      ++i;
      ++j;
    }
  }
  return false;
}

// A step run from a node in an earlier schedule (explored), or asleep since such a node.
// `mark`: the names given before that node (the prefix this schedule shares with the one
// the step ran in). Objects it touches were named by then (announced at the node); its
// plain words may have been named after it, in the order of first sight of that other
// schedule, so they are compared by address where the name may differ.
struct SleepEntry {
  std::uint32_t tid;
  bool forced;
  Sorted fp;
  std::uint64_t mark = 0;
};

// Whether the step of `e` and a step `b` of the current schedule conflict: two accesses to
// one object, or to one word, one of them a write. Sorted lists, merged: linear in the
// footprints' sizes (this runs for every sleeping and explored entry at every step).
bool Dependent(const SleepEntry& e, const Sorted& b) {
  const Sorted& a = e.fp;
  if (Conflict(a.run(kObjects), b.run(kObjects))) return true;
  // A word named in the common prefix has that name in both schedules (its address may
  // differ: the allocator's state does). Names are (ordinal << 3) | 4: the names given by
  // `mark` are those up to `named`.
  const std::uint64_t named = (e.mark << 3) | 7;
  if (Conflict(a.run(kWordsByName), b.run(kWordsByName), named)) return true;
  // One named later is compared by where it is: a global by address, a stack word by
  // thread and depth (dpor_event.h)...
  if (Conflict(a.run(kWordsByWhere), b.run(kWordsByWhere))) return true;
  // ... and a heap word by nothing: a block may sit at another address in the other
  // schedule (each schedule starts with the heap the previous one left), and another block
  // at its address. So two heap words both named after the prefix (a word of b named in
  // it was touched there, e's was not: not the same word) conflict when one is written.
  // More dependence than needed, never less: at worst a schedule more.
  if (a.max_heap <= named || b.max_heap <= named) return false;
  bool late_write = false;  // e writes a heap word named after the prefix
  const Sorted::Run heap = a.run(kHeapByName);
  for (const Sorted::Entry* it = heap.end; it != heap.begin;) {
    --it;
    if (it->first <= named) break;
    late_write = late_write || it->second;
  }
  return b.max_heap_write > named || late_write;
}

// A wake-up choice made by a step (ChoiceView::wake): `n` waiters, option `chosen` taken.
struct WakeChoice {
  int n = 0;
  int chosen = 0;
};

// A state of the search; node i is the state before step i of the current schedule.
struct Node {
  Mask choosable = 0;  // threads DPOR may run here
  bool forced = false; // nothing enabled: the choosable steps park their threads
  // Only spurious wake-ups enabled: they and the parking steps are choosable, each tried.
  bool optional_wakeups = false;
  std::vector<SleepEntry> sleep;     // asleep on entry
  std::vector<SleepEntry> explored;  // steps run from here so far (their real footprints)
  Mask backtrack = 0;
  Mask done = 0;
  std::uint32_t chosen = 0;  // run from here in the current schedule
  // The wake-up choices of that step, in order (replayed while the prefix is; the last one
  // with an option left is the next to try).
  std::vector<WakeChoice> wakes;
  std::uint64_t mark = 0;    // names given before the node's step (Canon's count)
  Mask SleepMask() const {
    Mask m = 0;
    for (const SleepEntry& e : sleep) m |= Bit(e.tid);
    return m;
  }
};

struct ObjectClocks {
  Clock write;  // the last write
  Clock reads;  // the reads since
  std::vector<std::pair<std::uint32_t, bool>> accesses;  // (event index, write)
  void Reset() {  // untouched again, its arrays kept
    write.clear();
    reads.clear();
    accesses.clear();
  }
};

class DporStrategy : public SchedulingStrategy {
 public:
  explicit DporStrategy(int spurious_budget) : budget_(std::max(0, spurious_budget)) {}

  bool WantsEvents() const override { return true; }
  bool Exhausted() const override { return exhausted_ && sound_; }
  void GiveUp() override { sound_ = false; }
  std::string Token() const override { return "dfs." + EncodePath(path_); }

  bool BeginSchedule(int index) override {
    if (index == 0) {
      nodes_.clear();
      fresh_from_ = 0;
      exhausted_ = false;
      sound_ = true;
    } else {
      if (!sound_ || !Backtrack()) {
        exhausted_ = sound_;
        return false;
      }
    }
    ResetExecution();
    return true;
  }

  int Pick(const ChoiceView& c) override {
    if (c.wake) return PickWaiter(c);
    if (!sound_) return 0;
    if (c.narrowed) {
      // A spin the fair scheduler cut short: DPOR's model has that thread enabled here, so
      // from now on no claim of exhaustiveness (the rest of the schedule runs on option 0).
      sound_ = false;
      return 0;
    }
    if (redundant_) {
      if (c.options() > 1) path_.push_back(0);  // the scheduler takes option 0
      return kAbandon;
    }
    if (static_cast<std::size_t>(c.num_threads) > kMaxThreads || c.events == nullptr) {
      sound_ = false;  // no claim of exhaustiveness: Exhausted() stays false
      return 0;
    }
    ReadThreads(c);
    const bool jumped = c.time_jumps != jumps_;
    if (have_pending_) FinishStep(jumped);
    if (jumped) floor_ = global_;  // the jump: after every step so far, before every later one
    jumps_ = c.time_jumps;
    for (std::size_t t = known_threads_; t < status_.size(); ++t) {
      // A new thread: its first step happens after the spawn (the step just finished).
      if (thread_clock_.size() <= t) thread_clock_.emplace_back();
      Clock& clock = thread_clock_[t];
      if (num_events_ == 0) {
        clock.clear();
      } else {
        clock = events_[num_events_ - 1].clock;
      }
      thread_seq_.push_back(0);
    }
    known_threads_ = status_.size();

    const std::size_t d = depth_;
    bool forced = false;
    bool optional_wakeups = false;
    const Mask choosable = Choosable(&forced, &optional_wakeups);
    std::uint32_t chosen;
    if (d < fresh_from_) {
      Node& n = nodes_[d];
      if (n.choosable != choosable || (choosable & Bit(n.chosen)) == 0) {
        sound_ = false;  // the program did not replay its prefix: no guarantee any more
        return 0;
      }
      chosen = n.chosen;
    } else {
      Node n;
      n.choosable = choosable;
      n.forced = forced;
      n.optional_wakeups = optional_wakeups;
      n.mark = canon_.size();
      n.sleep = std::move(next_sleep_);
      next_sleep_.clear();
      nodes_.push_back(std::move(n));
      RaceChecks(/*skip=*/-1);
      Node& node = nodes_.back();
      const Mask candidates = choosable & ~node.SleepMask();
      if (candidates == 0) {
        nodes_.pop_back();  // sleep-set blocked: every continuation was explored
        redundant_ = true;
        if (c.options() > 1) path_.push_back(0);
        return kAbandon;
      }
      chosen = Prefer(c, candidates);
      node.chosen = chosen;
      node.backtrack |= Bit(chosen);
      // No race adds the other option of a spurious wake-up the run may do or not.
      if (node.optional_wakeups) node.backtrack |= choosable;
      node.done |= Bit(chosen);
    }
    if (status_[chosen] == EventStatus::kSpurious) ++spurious_used_;
    wake_at_ = 0;
    pending_tid_ = chosen;
    pending_fp_ = pending_[chosen];
    // A parking step is ordered after every step before it (also at an optional_wakeups node).
    pending_forced_ = status_[chosen] == EventStatus::kWouldBlock;
    have_pending_ = true;
    ++depth_;
    int option = 0;
    for (int i = 0; i < c.options(); ++i) {
      if (c.tids[i] == chosen) option = i;
    }
    if (c.options() > 1) path_.push_back(option);
    return option;
  }

  // A wake-up inside the step that runs from node depth_ - 1: the option the node's
  // `wakes` hold (the prefix replayed, or the one Backtrack moved on), or option 0 for a
  // new one, which Backtrack will move through the others.
  int PickWaiter(const ChoiceView& c) {
    if (!sound_) return 0;
    if (redundant_) {
      path_.push_back(0);  // the scheduler takes option 0
      return kAbandon;
    }
    if (depth_ == 0 || depth_ > nodes_.size()) {
      sound_ = false;  // a wake-up before the first step: outside the model
      return 0;
    }
    Node& n = nodes_[depth_ - 1];
    int pick = 0;
    if (wake_at_ < n.wakes.size()) {
      const WakeChoice& w = n.wakes[wake_at_];
      if (w.n != c.num_runnable) {
        sound_ = false;  // the program did not replay its prefix: no guarantee any more
        return 0;
      }
      pick = w.chosen;
    } else {
      n.wakes.push_back({c.num_runnable, 0});
    }
    ++wake_at_;
    path_.push_back(pick);
    return pick;
  }

  void StepAccesses(const EventAccess* accesses, std::size_t count) override {
    if (!sound_ || redundant_ || !have_pending_) return;  // no step of this search
    // Words, each once per step (the recorder's rule), renamed in access order: the same
    // names in every schedule with the same prefix, as for objects (the address may
    // differ: heap blocks). Sleep sets compare steps of two schedules: see SleepEntry.
    for (std::size_t i = 0; i < count; ++i) {
      pending_fp_.push_back({Canon(accesses[i].id), accesses[i].write, accesses[i].where});
    }
    pending_plain_ = true;
  }

  void EndSchedule(std::int64_t steps) override {
    (void)steps;
    if (!sound_ || redundant_ || !have_pending_) return;
    // The last step may have ended its thread: count its exit (more dependence, never less).
    pending_fp_.push_back({ThreadTag(pending_tid_), true});
    FinishStep(false);
    // The final state: the threads' next steps (unchanged by the last step, which was not
    // theirs) against every step run.
    RaceChecks(static_cast<int>(pending_tid_));
  }

 private:
  void ResetExecution() {
    depth_ = 0;
    // The arrays of events, objects and thread clocks are kept for the next schedule: a
    // schedule allocated several hundred blocks here, and in a graded program every block
    // also passes through the standard-C++ dialect's allocation hooks.
    num_events_ = 0;
    for (std::size_t i = 1; i <= canon_.size() && i < by_name_.size(); ++i) by_name_[i].Reset();
    for (auto& [tag, o] : by_tag_) o.Reset();
    canon_.Clear();
    thread_seq_.clear();
    known_threads_ = 0;
    floor_.clear();
    global_.clear();
    jumps_ = 0;
    spurious_used_ = 0;
    have_pending_ = false;
    pending_plain_ = false;
    redundant_ = false;
    wake_at_ = 0;
    next_sleep_.clear();
    path_.clear();
  }

  // The deepest node with a wake-up option or a thread to try that is neither done nor
  // asleep; prepares it. A node's step is run with every option of its wake-ups (the
  // latest first) before the node's next thread.
  bool Backtrack() {
    while (!nodes_.empty()) {
      Node& n = nodes_.back();
      while (!n.wakes.empty() && n.wakes.back().chosen + 1 >= n.wakes.back().n) {
        n.wakes.pop_back();
      }
      if (!n.wakes.empty()) {
        ++n.wakes.back().chosen;
        fresh_from_ = nodes_.size();
        return true;
      }
      const Mask todo = n.backtrack & ~n.done & ~n.SleepMask() & n.choosable;
      if (todo != 0) {
        const auto p = static_cast<std::uint32_t>(__builtin_ctzll(todo));
        n.chosen = p;
        n.done |= Bit(p);
        n.backtrack |= Bit(p);
        fresh_from_ = nodes_.size();
        return true;
      }
      nodes_.pop_back();
    }
    return false;
  }

  // The clocks of a name Canon gave (low bits 4: the ordinal above them) or of a tag.
  ObjectClocks& Object(std::uint64_t key) {
    if ((key & 7) != 4) return by_tag_[key];
    const std::size_t ordinal = key >> 3;
    if (by_name_.size() <= ordinal) by_name_.resize(ordinal + 1);
    return by_name_[ordinal];
  }

  std::uint64_t Canon(std::uintptr_t id) {
    // A tag: the same in every schedule. Objects and plain words are renamed.
    if ((id & 7) != 0 && (id & 7) != kPlainBits) return id;
    bool added = false;  // a new name: the next ordinal
    const std::uint32_t ordinal =
        canon_.Get(id, static_cast<std::uint32_t>(canon_.size() + 1), &added);
    return (static_cast<std::uint64_t>(ordinal) << 3) | 4;
  }

  void ReadThreads(const ChoiceView& c) {
    const auto n = static_cast<std::size_t>(c.num_threads);
    status_.resize(n);
    pending_.resize(n);
    for (std::size_t t = 0; t < n; ++t) {
      const ThreadEvent& e = c.events[t];
      status_[t] = e.status;
      pending_[t].clear();
      for (std::uint32_t i = 0; i < e.count; ++i) {
        const EventAccess& a = c.accesses[e.first + i];
        pending_[t].push_back({Canon(a.id), a.write});
      }
    }
  }

  Mask Choosable(bool* forced, bool* optional_wakeups) const {
    Mask enabled = 0;
    Mask wakeups = 0;
    Mask parking = 0;
    for (std::size_t t = 0; t < status_.size(); ++t) {
      const auto tid = static_cast<std::uint32_t>(t);
      switch (status_[t]) {
        case EventStatus::kEnabled: enabled |= Bit(tid); break;
        case EventStatus::kSpurious:
          if (spurious_used_ < budget_) wakeups |= Bit(tid);
          break;
        case EventStatus::kWouldBlock: parking |= Bit(tid); break;
        default: break;
      }
    }
    *forced = enabled == 0 && wakeups == 0;
    *optional_wakeups = enabled == 0 && wakeups != 0 && parking != 0;
    if (enabled != 0) return enabled | wakeups;
    // Nothing but spurious wake-ups can run: a real run may do none, and then the threads
    // that would block park (every thread parked: a stall), so those steps are choosable
    // too (they used to be reachable only after the wake-ups, never instead of them).
    return wakeups != 0 ? wakeups | parking : parking;
  }

  // Prefers the thread that ran last (no preemption), then the first option.
  static std::uint32_t Prefer(const ChoiceView& c, Mask candidates) {
    for (int i = 0; i < c.options(); ++i) {
      if (candidates & Bit(c.tids[i])) return c.tids[i];
    }
    return static_cast<std::uint32_t>(__builtin_ctzll(candidates));
  }

  // Records the step that just ran (the thread picked at the previous node).
  void FinishStep(bool jumped) {
    have_pending_ = false;
    const std::uint32_t t = pending_tid_;
    if (t < status_.size() && status_[t] == EventStatus::kFinished) {
      pending_fp_.push_back({ThreadTag(t), true});  // it exited: its joiners depend on it
    }
    const auto index = static_cast<std::uint32_t>(num_events_);
    if (events_.size() <= index) events_.emplace_back();
    Event& ev = events_[index];  // counted (num_events_) once recorded, below
    ev.tid = t;
    ev.forced = pending_forced_;
    const Footprint& fp = pending_fp_;
    ev.clock = thread_clock_[t];
    Join(ev.clock, floor_);
    if (ev.forced) Join(ev.clock, global_);
    // A step with plain accesses: its races with the whole footprint, now that it is known
    // (its node's check saw the announced operation only). A forced step has none (it is
    // after every step before it); a replayed one was checked when it was first run.
    if (pending_plain_ && !ev.forced && index + 1 >= fresh_from_) {
      RaceCheck(t, fp, ev.clock);
    }
    pending_plain_ = false;
    for (const Acc& a : fp) {
      ObjectClocks& o = Object(a.key);
      Join(ev.clock, o.write);
      if (a.write) Join(ev.clock, o.reads);
    }
    ev.seq = ++thread_seq_[t];
    if (ev.clock.size() <= t) ev.clock.resize(t + 1, 0);
    ev.clock[t] = ev.seq;
    for (const Acc& a : fp) {
      ObjectClocks& o = Object(a.key);
      if (a.write) {
        o.write = ev.clock;
        o.reads.clear();
      } else {
        Join(o.reads, ev.clock);
      }
      o.accesses.emplace_back(index, a.write);
    }
    thread_clock_[t] = ev.clock;
    Join(global_, ev.clock);

    // The node it ran from remembers it for its later siblings' sleep sets; the next node
    // inherits what stays asleep: entries independent of this step (a time jump or a
    // change between parking and running steps wakes everything).
    Node& from = nodes_[index];
    bool known = false;
    for (const SleepEntry& e : from.explored) known |= e.tid == t;
    const bool fresh = !jumped && depth_ >= fresh_from_;
    if (!known || (fresh && (!from.sleep.empty() || !from.explored.empty()))) {
      SortInto(fp, scratch_, &sorted_);
    }
    if (!known) from.explored.push_back({t, ev.forced, sorted_, from.mark});
    next_sleep_.clear();
    if (fresh) {
      auto keep = [&](const SleepEntry& e) {
        if (e.tid != t && e.forced == ev.forced && !Dependent(e, sorted_)) {
          next_sleep_.push_back(e);
        }
      };
      for (const SleepEntry& e : from.sleep) keep(e);
      for (const SleepEntry& e : from.explored) keep(e);
    }
    ++num_events_;
  }

  // Flanagan–Godefroid: for each thread's next step, the last step dependent with it that
  // does not happen before it is a race; the node that step ran from gets the thread to
  // backtrack to, or all its choosable threads when the thread could not run there.
  void RaceChecks(int skip) {
    for (std::size_t q = 0; q < status_.size(); ++q) {
      if (static_cast<int>(q) == skip || status_[q] == EventStatus::kFinished) continue;
      if (pending_[q].empty()) continue;
      qclock_ = thread_clock_[q];
      Join(qclock_, floor_);
      RaceCheck(static_cast<std::uint32_t>(q), pending_[q], qclock_);
    }
  }

  // One step of thread q with footprint `fp`, whose predecessors are `qclock`, against
  // the steps run so far.
  void RaceCheck(std::uint32_t q, const Footprint& fp, const Clock& qclock) {
    long last = -1;
    for (const Acc& a : fp) {
      const auto& acc = Object(a.key).accesses;  // none: an object not touched yet
      for (auto r = acc.rbegin(); r != acc.rend(); ++r) {
        if (static_cast<long>(r->first) <= last) break;
        if (!a.write && !r->second) continue;
        const Event& e = events_[r->first];
        if (e.tid == q || e.seq <= At(qclock, e.tid)) continue;  // happens before q
        last = r->first;
        break;
      }
    }
    if (last < 0) return;
    Node& n = nodes_[static_cast<std::size_t>(last)];
    const Mask qb = Bit(q);
    n.backtrack |= (n.choosable & qb) != 0 ? qb : n.choosable;
  }

  int budget_;
  std::vector<Node> nodes_;
  std::size_t fresh_from_ = 0;  // nodes below are replayed in this schedule
  bool exhausted_ = false;
  bool sound_ = true;

  // The current schedule.
  std::size_t depth_ = 0;
  // events_[i] ran from nodes_[i]; the first num_events_ are this schedule's (the others
  // keep their arrays for the next one).
  std::vector<Event> events_;
  std::size_t num_events_ = 0;
  // The clocks of every object and word (by_name_, by the ordinal of Canon's name) and tag
  // (by_tag_) this schedule; an empty entry is one not touched yet.
  std::vector<ObjectClocks> by_name_;
  std::unordered_map<std::uint64_t, ObjectClocks> by_tag_;
  Clock qclock_;  // RaceChecks' scratch
  StampedIndex canon_;  // an object's or word's id -> the ordinal of its name
  std::vector<Clock> thread_clock_;
  std::vector<std::uint32_t> thread_seq_;
  std::size_t known_threads_ = 0;
  Clock floor_;   // the last time jump: every step so far
  Clock global_;  // every step so far
  std::uint64_t jumps_ = 0;
  int spurious_used_ = 0;
  std::vector<EventStatus> status_;  // at the current node, by tid
  std::vector<Footprint> pending_;
  bool have_pending_ = false;
  bool pending_plain_ = false;  // the pending step's footprint has plain-memory words
  bool redundant_ = false;  // sleep-set blocked: the rest of this schedule is not recorded
  std::size_t wake_at_ = 0;  // the running step's wake-up choices so far
  std::uint32_t pending_tid_ = 0;
  bool pending_forced_ = false;
  Footprint pending_fp_;
  Sorted sorted_;  // the step being recorded, sorted (FinishStep; its array reused)
  std::vector<Sorted::Entry> scratch_[4];
  std::vector<SleepEntry> next_sleep_;
  std::vector<int> path_;
};

}  // namespace

std::unique_ptr<SchedulingStrategy> MakeDporStrategy(int spurious_budget) {
  return std::make_unique<DporStrategy>(spurious_budget);
}

}  // namespace lab::internal
