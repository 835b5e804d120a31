// wait_ops.cc — CondVar, Semaphore, BoundedSemaphore, Event, Barrier.
//
// None of these has an owner, so a thread blocked on one is part of a `stall`, never of a
// deadlock cycle. Each hand-off is a happens-before edge and carries the giver's
// work-span clock: notify → wake, release → acquire, set → wait, the last arrival of a
// barrier round → every party.
#include <algorithm>
#include <cstring>

#include "controlled_point.h"
#include "controlled_scheduler.h"
#include "runtime.h"
#include "wait_for_graph.h"

namespace lab::internal {
namespace {

// Inline: after a wake-up the list is usually empty already (WakeAll cleared it, WakeOne
// took the waker's pick), so most calls test that and return. (Always inline: GCC made
// the `inline` one a call.)
[[gnu::always_inline]] inline void RemoveFrom(std::vector<ThreadState*>& v, ThreadState* t) {
  if (v.empty()) return;
  auto it = std::find(v.begin(), v.end(), t);
  if (it != v.end()) v.erase(it);
}

// The deadline of a timed wait, in the run's clock.
Nanos Deadline(Nanos timeout) { return NowOp() + timeout; }

std::optional<Nanos> Remaining(bool timed, Nanos deadline) {
  if (!timed) return std::nullopt;
  Nanos left = deadline - NowOp();
  return left < Nanos::zero() ? Nanos::zero() : left;
}

}  // namespace

bool CondWaitOp(ObjectState* cv, ObjectState* lock, bool owns, Nanos timeout, bool timed,
                const Loc& loc) {
  ThreadState* self = Self();
  Enter(self, cv);
  Enter(self, lock);
  SiteRef site = Fix(self, loc);
  PointInline(self, OpCode::kWait, cv, site, lock);
  const bool holds = lock != nullptr && owns && lock->owner.load() == self;
  RtGuard g;
  if (!holds) {
    Finding f;
    f.kind = FindingKind::kWaitWithoutLock;
    f.message = "thread '" + self->name + "' waits on " + Describe(cv) + " at " +
                SiteText(site) + " without holding " +
                (lock ? Describe(lock) : std::string("its lock")) +
                "; a notify between checking the condition and waiting is lost";
    f.threads = {self->name};
    f.objects = {NameOf(cv)};
    if (lock) f.objects.push_back(NameOf(lock));
    f.sites = {ToSource(site)};
    f.steps = {{self->name, "waits without the lock on", Describe(cv), ToSource(site), {}}};
    AddFinding(std::move(f));
    cv->waiters.push_back(self);
    bool woke = BlockOn(self, cv, WaitKind::kCondVar, site, g,
                        timed ? std::optional<Nanos>(timeout) : std::nullopt);
    RemoveFrom(cv->waiters, self);
    if (woke && !self->spurious) Acquire(self, cv);
    return woke;
  }

  // Enqueue first, then release the lock: a notify after the release finds us.
  cv->waiters.push_back(self);
  const int recursion = lock->recursion;
  auto& held = self->held;
  SiteRef held_site = lock->acquired_site;
  for (auto it = held.rbegin(); it != held.rend(); ++it) {
    if (it->obj == lock) {
      held_site = it->site;
      EraseHeld(self, std::next(it).base());
      break;
    }
  }
  const bool controlled = self->run->mode == RunMode::kControlled;
  lock->recursion = 0;
  Release(self, lock);
  DropOwner(lock, controlled);
  if (lock->kind == ObjKind::kSharedMutex) WakeAll(lock);
  else if (lock->waiter_count.load() > 0) WakeOne(lock);

  bool woke = BlockOn(self, cv, WaitKind::kCondVar, site, g,
                      timed ? std::optional<Nanos>(timeout) : std::nullopt);
  RemoveFrom(cv->waiters, self);
  if (woke && !self->spurious) Acquire(self, cv);

  // Re-acquire the lock (a blocking acquisition like any other).
  AddWaiterCount(lock, 1, controlled);
  while (true) {
    const bool free_for_writer = lock->kind != ObjKind::kSharedMutex || lock->readers == 0;
    if (free_for_writer && TakeOwner(lock, self, controlled)) break;
    lock->waiters.push_back(self);
    BlockOn(self, lock, WaitKind::kLock, site, g, std::nullopt);
  }
  AddWaiterCount(lock, -1, controlled);
  RemoveFrom(lock->waiters, self);
  lock->recursion = recursion;
  lock->acquired_site = held_site;
  Acquire(self, lock);
  PushHeld(self, lock, held_site, false, false, lock->lo_node);
  // The wake-up and the re-lock are no scheduling points of their own, but a reader of the
  // interleaving must see that the waiter woke and holds the lock again before it goes on.
  if (controlled) {
    self->run->sched->TraceRow(self, woke ? "woke, relocks" : "timed out, relocks", lock, site);
  }
  return woke;
}

void CondNotifyOp(ObjectState* cv, bool all, const Loc& loc) {
  ThreadState* self = Self();
  Enter(self, cv);
  SiteRef site = Fix(self, loc);
  // A notify with no waiter counts as a poll (ThreadState::idle_wake).
  self->idle_wake = self->run->mode == RunMode::kControlled && cv->waiters.empty();
  PointInline(self, all ? OpCode::kNotifyAll : OpCode::kNotify, cv, site);
  self->idle_wake = false;
  RtGuard g;
  Release(self, cv);
  if (all) WakeAll(cv);
  else WakeOne(cv);
}

bool SemAcquireOp(ObjectState* s, bool blocking, Nanos timeout, bool timed, const Loc& loc) {
  ThreadState* self = Self();
  Enter(self, s);
  SiteRef site = Fix(self, loc);
  Point(self, blocking ? OpCode::kAcquire : OpCode::kTryAcquire, s, site);
  RtGuard g;
  const Nanos deadline = timed ? Deadline(timeout) : Nanos::zero();
  while (s->count <= 0) {
    if (!blocking) return false;
    s->waiters.push_back(self);
    if (!BlockOn(self, s, WaitKind::kSemaphore, site, g, Remaining(timed, deadline))) {
      return false;
    }
  }
  s->count--;
  Acquire(self, s);
  self->sem_held.push_back(s);
  return true;
}

void SemReleaseOp(ObjectState* s, int n, const Loc& loc) {
  ThreadState* self = Self();
  Enter(self, s);
  SiteRef site = Fix(self, loc);
  Point(self, OpCode::kRelease, s, site);
  RtGuard g;
  // release(n) adds n permits (std::counting_semaphore::release(update)): release(0) adds
  // none and wakes nobody. (A negative count is undefined in C++ and a ValueError in
  // Python; it adds none either.)
  if (n < 1) return;
  if (s->kind == ObjKind::kBoundedSemaphore && s->count + n > s->initial) {
    Finding f;
    f.kind = FindingKind::kSemaphoreOverRelease;
    f.message = "thread '" + self->name + "' releases " + Describe(s) + " at " +
                SiteText(site) + " above its initial value " + std::to_string(s->initial) +
                " (Python raises ValueError here); the release is ignored";
    f.threads = {self->name};
    f.objects = {NameOf(s)};
    f.sites = {ToSource(site)};
    f.steps = {{self->name, "over-releases", NameOf(s), ToSource(site), {}}};
    AddFinding(std::move(f));
    return;
  }
  Release(self, s);
  s->count += n;
  auto it = std::find(self->sem_held.begin(), self->sem_held.end(), s);
  if (it != self->sem_held.end()) self->sem_held.erase(it);
  WakeSome(s, n);
}

int SemValue(ObjectState* s) {
  RtGuard g;
  return s->gen == CurrentRun()->gen ? s->count : s->initial;
}

void EventSetOp(ObjectState* s, const Loc& loc) {
  ThreadState* self = Self();
  Enter(self, s);
  SiteRef site = Fix(self, loc);
  Point(self, OpCode::kSet, s, site);
  RtGuard g;
  Release(self, s);
  s->is_set = true;
  s->round++;  // releases every thread waiting now, even if clear() follows at once
  WakeAll(s);
}

void EventClearOp(ObjectState* s, const Loc& loc) {
  ThreadState* self = Self();
  Enter(self, s);
  SiteRef site = Fix(self, loc);
  Point(self, OpCode::kClear, s, site);
  RtGuard g;
  s->is_set = false;
}

bool EventIsSetOp(ObjectState* s, const Loc& loc) {
  ThreadState* self = Self();
  Enter(self, s);
  SiteRef site = Fix(self, loc);
  Point(self, OpCode::kIsSet, s, site);
  RtGuard g;
  if (s->is_set) Acquire(self, s);
  return s->is_set;
}

bool EventWaitOp(ObjectState* s, Nanos timeout, bool timed, const Loc& loc) {
  ThreadState* self = Self();
  Enter(self, s);
  SiteRef site = Fix(self, loc);
  Point(self, OpCode::kEventWait, s, site);
  RtGuard g;
  const Nanos deadline = timed ? Deadline(timeout) : Nanos::zero();
  // As Python's threading.Event: a set() after this wait began releases it even when a
  // clear() came before this thread ran again, so the wait ends on the flag *or* on a
  // set() since it began (`round` counts the set() calls of the run).
  const int my_round = s->round;
  while (!s->is_set && s->round == my_round) {
    s->waiters.push_back(self);
    if (!BlockOn(self, s, WaitKind::kEvent, site, g, Remaining(timed, deadline))) {
      if (!s->is_set && s->round == my_round) return false;  // timed out
      break;
    }
  }
  Acquire(self, s);
  return true;
}

int BarrierWaitOp(ObjectState* s, const Loc& loc) {
  ThreadState* self = Self();
  Enter(self, s);
  SiteRef site = Fix(self, loc);
  Point(self, OpCode::kBarrier, s, site);
  RtGuard g;
  const int parties = std::max(1, s->initial);
  const int my_round = s->round;
  const int index = s->arrived++;
  s->barrier_vc.Join(self->vc);
  self->vc.Tick(self->tid);
  s->span_ns = std::max(s->span_ns, self->span_ns);
  if (s->arrived >= parties) {
    // The last arrival publishes every party's clock and releases the round.
    s->vc.Assign(s->barrier_vc);
    s->vc_owner = nullptr;  // no longer any one thread's published clock (runtime.h)
    s->barrier_vc.Clear();
    s->arrived = 0;
    s->round++;
    WakeAll(s);
  } else {
    while (s->round == my_round) {
      s->waiters.push_back(self);
      BlockOn(self, s, WaitKind::kBarrier, site, g, std::nullopt);
    }
  }
  Acquire(self, s);
  return index;
}

}  // namespace lab::internal
