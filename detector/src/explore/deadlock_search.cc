// deadlock_search.cc — see deadlock_search.h.
#include "deadlock_search.h"

#include <algorithm>
#include <string>
#include <utility>

#include "runtime.h"

namespace lab::internal {
namespace {

bool Holds(const ThreadState& t, const std::string& lock) {
  return std::any_of(t.held.begin(), t.held.end(),
                     [&](const HeldLock& h) { return NameOf(h.obj) == lock; });
}

class DirectedStrategy : public SchedulingStrategy {
 public:
  DirectedStrategy(std::vector<CycleEdgeByName> edges, int first, bool lock_step)
      : edges_(std::move(edges)), first_(first), lock_step_(lock_step) {}

  bool BeginSchedule(int index) override {
    parked_.clear();
    done_.clear();
    gathered_.clear();
    path_.clear();
    last_ = 0;
    return index == 0;
  }

  bool WantsPoints() const override { return true; }
  void OnPoint(const ThreadState& self, OpCode op, const ObjectState* obj) override {
    if (obj == nullptr) return;
    if (lock_step_ && !Flag(gathered_, self.tid) &&
        (op == OpCode::kLock || op == OpCode::kLockShared || op == OpCode::kTryLock ||
         op == OpCode::kTryLockShared)) {
      // Lock-step starts where every thread of the cycle is about to take its first lock
      // of the cycle (or try to): each waits there for the others.
      const std::string name = NameOf(const_cast<ObjectState*>(obj));
      for (const CycleEdgeByName& e : edges_) {
        if (self.name == e.thread && (name == e.held || name == e.wanted)) {
          Set(parked_, self.tid, true);
          Set(gathered_, self.tid, true);
          return;
        }
      }
    }
    // Only an acquisition that can block closes a deadlock.
    if (op != OpCode::kLock && op != OpCode::kLockShared) return;
    if (Flag(done_, self.tid)) return;
    const std::string wanted = NameOf(const_cast<ObjectState*>(obj));
    for (const CycleEdgeByName& e : edges_) {
      if (self.name == e.thread && wanted == e.wanted && Holds(self, e.held)) {
        Set(parked_, self.tid, true);
        Set(done_, self.tid, true);  // parked once: after that it runs as it likes
        return;
      }
    }
  }

  int Pick(const ChoiceView& c) override {
    if (c.wake) {  // the longest waiter (the cycle is among lock owners, not waiters' order)
      path_.push_back(0);
      return 0;
    }
    int pick = -1;
    if (lock_step_) {
      // Lock-step: the next unparked runnable thread after the last one picked, at every
      // point, so that the threads reach their cycle edges together (a philosopher who
      // puts his left fork down when try_lock of the right one fails, and takes them the
      // other way round: he reaches that path only while his neighbour holds his right).
      // Once every runnable thread is parked, all go on together.
      bool all_parked = true;
      for (int i = 0; i < c.num_runnable && all_parked; ++i) {
        all_parked = Flag(parked_, c.tids[i]);
      }
      if (all_parked) {
        for (int i = 0; i < c.num_runnable; ++i) Set(parked_, c.tids[i], false);
      }
      int wrap = -1;
      for (int i = 0; i < c.num_runnable; ++i) {
        const std::uint32_t tid = c.tids[i];
        if (Flag(parked_, tid)) continue;
        if (tid > last_ && (pick < 0 || tid < c.tids[pick])) pick = i;
        if (wrap < 0 || tid < c.tids[wrap]) wrap = i;
      }
      if (pick < 0) pick = wrap;
    }
    // Run to the park: the current thread goes on unless parked; otherwise the preferred
    // thread of the cycle, then the first runnable one. Never a spurious wake-up.
    if (pick < 0 && c.current_first && !Flag(parked_, c.tids[0])) pick = 0;
    for (int i = 0; pick < 0 && i < c.num_runnable; ++i) {
      if (!Flag(parked_, c.tids[i]) && Preferred(c.tids[i])) pick = i;
    }
    for (int i = 0; pick < 0 && i < c.num_runnable; ++i) {
      if (!Flag(parked_, c.tids[i])) pick = i;
    }
    if (pick < 0) pick = 0;  // every runnable thread is parked: release them in turn
    Set(parked_, c.tids[pick], false);
    last_ = c.tids[pick];
    path_.push_back(pick);
    return pick;
  }

  std::string Token() const override { return DfsPathToken(path_); }

 private:
  static bool Flag(const std::vector<char>& v, std::uint32_t tid) {
    return tid < v.size() && v[tid] != 0;
  }
  static void Set(std::vector<char>& v, std::uint32_t tid, bool on) {
    if (v.size() <= tid) v.resize(tid + 1, 0);
    v[tid] = on ? 1 : 0;
  }
  // Whether `tid` runs the preferred edge's thread (by name: ids differ between runs).
  bool Preferred(std::uint32_t tid) const {
    if (first_ < 0 || static_cast<std::size_t>(first_) >= edges_.size()) return false;
    ControlledScheduler* s = ActiveScheduler();
    if (s == nullptr) return false;
    const ThreadState* t = s->ThreadById(tid);
    return t != nullptr && t->name == edges_[first_].thread;
  }

  std::vector<CycleEdgeByName> edges_;
  int first_;
  bool lock_step_;
  std::uint32_t last_ = 0;  // the thread picked last (lock-step)
  std::vector<char> gathered_;  // lock-step: parked once at its first lock of the cycle
  std::vector<char> parked_;
  std::vector<char> done_;
  std::vector<int> path_;
};

}  // namespace

std::unique_ptr<SchedulingStrategy> MakeDirectedStrategy(std::vector<CycleEdgeByName> edges,
                                                         int first, bool lock_step) {
  return std::make_unique<DirectedStrategy>(std::move(edges), first, lock_step);
}

DeadlockSearchResult SearchDeadlock(const Finding& inversion, const RunDirected& run) {
  DeadlockSearchResult r;
  if (inversion.kind != FindingKind::kLockOrderInversion) return r;
  if (inversion.threads.size() == 1) {
    r.check = DeadlockCheck::kOneThread;
    return r;
  }
  // steps[i]: thread takes steps[i].object while holding objects[i] (lock_ops.cc).
  const std::size_t n = inversion.steps.size();
  if (n < 2 || inversion.objects.size() != n) return r;
  std::vector<CycleEdgeByName> edges;
  for (std::size_t i = 0; i < n; ++i) {
    edges.push_back({inversion.steps[i].thread, inversion.objects[i], inversion.steps[i].object});
  }
  r.check = DeadlockCheck::kNotFound;
  // Each thread of the cycle first in turn, each running alone to its park; then once in
  // lock-step (a cycle edge reached only under contention).
  for (int attempt = 0; attempt <= static_cast<int>(n); ++attempt) {
    const bool lock_step = attempt == static_cast<int>(n);
    std::unique_ptr<SchedulingStrategy> strategy =
        MakeDirectedStrategy(edges, lock_step ? -1 : attempt, lock_step);
    strategy->BeginSchedule(0);
    ScheduleOutcome out = run(strategy.get());
    ++r.schedules;
    for (Finding& f : out.findings) {
      if (f.kind == FindingKind::kDeadlock) r.deadlocks.push_back(std::move(f));
    }
    if (!r.deadlocks.empty()) {
      r.check = DeadlockCheck::kConfirmed;
      break;
    }
    if (out.hang) break;
  }
  return r;
}

}  // namespace lab::internal
