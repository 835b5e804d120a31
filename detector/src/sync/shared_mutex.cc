// shared_mutex.cc — SharedMutex: many readers or one writer, always under the runtime
// lock. Waiting writers (s->count) hold back new readers. Readers publish their clocks into
// read_vc, not vc, so readers stay unordered among themselves; a writer takes both
// (OnAcquired). The writer's lock, try_lock and unlock enter through the protocol
// (lock_ops.cc), which makes the scheduling point and the checks common to every lock.
#include <algorithm>

#include "lock_internal.h"
#include "wait_for_graph.h"

namespace lab::internal {

bool LockSharedMutexExclusive(ThreadState* self, ObjectState* s, SiteRef site,
                              std::optional<Nanos> timeout) {
  // No owner and no readers; waiting writers hold back new readers.
  RtGuard g;
  // A writer that may wait holds back new readers: reader→reader junctions at `s` of a
  // lock-order cycle can deadlock from now on (lock_order_graph.h).
  self->run->lock_order.MarkWriter(NodeOf(self->run, s, 0));
  s->count++;  // writers waiting
  bool ok = true;
  while (s->owner.load() != nullptr || s->readers > 0) {
    s->waiters.push_back(self);
    if (!BlockOn(self, s, WaitKind::kLock, site, g, timeout)) {
      ok = false;
      break;
    }
  }
  s->count--;
  if (!ok) {
    WakeAll(s);  // readers held back by this writer may go now
    return false;
  }
  s->owner.store(self);
  s->recursion = 1;
  OnAcquired(self, s, site, timeout.has_value(), false, !InControlledRun());
  return true;
}

bool TryLockSharedMutexExclusive(ThreadState* self, ObjectState* s, SiteRef site) {
  RtGuard g;
  if (s->owner.load() != nullptr || s->readers > 0) return false;
  s->owner.store(self);
  s->recursion = 1;
  OnAcquired(self, s, site, true, false, !InControlledRun());
  return true;
}

void UnlockSharedMutexExclusive(ObjectState* s) {
  RtGuard g;
  s->owner.store(nullptr);
  WakeAll(s);
}

void LockSharedOp(ObjectState* s, const Loc& loc) {
  ThreadState* self = Self();
  Enter(self, s);
  SiteRef site = Fix(self, loc);
  Point(self, OpCode::kLockShared, s, site);
  if (s->owner.load() == self) SelfDeadlock(self, s, site);
  AddLockOrderEdges(self, s, site, /*shared=*/true);
  RtGuard g;
  while (s->owner.load() != nullptr || s->count > 0) {
    s->waiters.push_back(self);
    BlockOn(self, s, WaitKind::kLockShared, site, g, std::nullopt);
  }
  s->readers++;
  s->reader_threads.push_back(self);
  OnAcquired(self, s, site, false, true, !InControlledRun());
}

bool TryLockSharedOp(ObjectState* s, const Loc& loc) {
  ThreadState* self = Self();
  Enter(self, s);
  SiteRef site = Fix(self, loc);
  Point(self, OpCode::kTryLockShared, s, site);
  RtGuard g;
  if (s->owner.load() != nullptr || s->count > 0) return false;
  s->readers++;
  s->reader_threads.push_back(self);
  OnAcquired(self, s, site, true, true, !InControlledRun());
  return true;
}

void UnlockSharedOp(ObjectState* s, const Loc& loc) {
  ThreadState* self = Self();
  Enter(self, s);
  SiteRef site = Fix(self, loc);
  Point(self, OpCode::kUnlockShared, s, site);
  RtGuard g;
  auto it = std::find(s->reader_threads.begin(), s->reader_threads.end(), self);
  if (it == s->reader_threads.end()) {
    if (s->readers == 0) {
      AddFinding(Misuse(FindingKind::kUnlockUnlocked, self, s, site,
                        "unlock_shared of " + Describe(s) + " at " + SiteText(site) +
                            ", which no thread holds for reading"));
      return;
    }
    AddFinding(Misuse(FindingKind::kUnlockNotOwner, self, s, site,
                      "thread '" + self->name + "' calls unlock_shared on " + Describe(s) +
                          " at " + SiteText(site) + " without holding it for reading"));
    it = s->reader_threads.begin();
    s->held_refs.fetch_add(1);  // that reader's held entry is now stale: never free `s`
  } else {
    RemoveHeld(self, s, true);
  }
  s->reader_threads.erase(it);
  s->readers--;
  s->read_vc.Join(self->vc);
  self->vc.Tick(self->tid);
  s->read_span_ns = std::max(s->read_span_ns, self->span_ns);
  if (s->readers == 0) WakeAll(s);
}

}  // namespace lab::internal
