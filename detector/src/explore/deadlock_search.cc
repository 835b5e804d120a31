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
  DirectedStrategy(std::vector<CycleEdgeByName> edges, int first)
      : edges_(std::move(edges)), first_(first) {}

  bool BeginSchedule(int index) override {
    parked_.clear();
    done_.clear();
    path_.clear();
    return index == 0;
  }

  bool WantsPoints() const override { return true; }
  void OnPoint(const ThreadState& self, OpCode op, const ObjectState* obj) override {
    // Only an acquisition that can block closes a deadlock.
    if ((op != OpCode::kLock && op != OpCode::kLockShared) || obj == nullptr) return;
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
    // Run to the park: the current thread goes on unless parked; otherwise the preferred
    // thread of the cycle, then the first runnable one. Never a spurious wake-up.
    if (c.current_first && !Flag(parked_, c.tids[0])) pick = 0;
    for (int i = 0; pick < 0 && i < c.num_runnable; ++i) {
      if (!Flag(parked_, c.tids[i]) && Preferred(c.tids[i])) pick = i;
    }
    for (int i = 0; pick < 0 && i < c.num_runnable; ++i) {
      if (!Flag(parked_, c.tids[i])) pick = i;
    }
    if (pick < 0) pick = 0;  // every runnable thread is parked: release them in turn
    Set(parked_, c.tids[pick], false);
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
  std::vector<char> parked_;
  std::vector<char> done_;
  std::vector<int> path_;
};

}  // namespace

std::unique_ptr<SchedulingStrategy> MakeDirectedStrategy(std::vector<CycleEdgeByName> edges,
                                                         int first) {
  return std::make_unique<DirectedStrategy>(std::move(edges), first);
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
  for (int first = 0; first < static_cast<int>(n); ++first) {
    std::unique_ptr<SchedulingStrategy> strategy = MakeDirectedStrategy(edges, first);
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
