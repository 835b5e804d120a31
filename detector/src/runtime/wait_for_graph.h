// wait_for_graph.h — actual deadlocks and stalls, from who waits for what.
//
// The wait-for graph is implicit in the runtime state: a blocked thread waits for one
// object (ThreadState::waiting_on); an owned object (lock, joined thread) is held by its
// owner(s). A cycle thread → object → owner → … back to the thread is a `deadlock`; it is
// checked just before a thread blocks, so the deadlock is reported at once, never found by
// a timeout. When every live thread is blocked and no cycle explains it, the run is a
// `stall`, and the finding lists what each thread waits for.
// Requires the runtime lock (free runs). Cost: linear in the threads on the path.
#pragma once

#include <optional>
#include <vector>

#include "runtime.h"

namespace lab::internal {

// A deadlock finding if `self`, about to block on `obj` (an owned wait), closes a cycle.
std::optional<Finding> FindDeadlock(ThreadState* self, ObjectState* obj, WaitKind kind,
                                    SiteRef site);
// True when no cycle can go through `self` blocking on `obj`, decided from the first hop
// alone: the wait is not an owned one, or the single owner is another thread that is not
// itself in an untimed owned wait (FindDeadlock's own walk would stop there). Inline, so
// that most blocks (a lock whose holder runs) make no call. False: ask FindDeadlock.
inline bool NoCyclePossible(const ThreadState* self, ObjectState* obj, WaitKind kind) {
  if (!IsOwnedWait(kind)) return true;
  if (obj->kind == ObjKind::kSharedMutex) return false;  // several owners (readers)
  const ThreadState* owner =
      kind == WaitKind::kJoin ? (obj->thread != nullptr && !obj->thread->finished ? obj->thread
                                                                                 : nullptr)
                              : obj->owner.load();
  if (owner == nullptr) return true;
  if (owner == self) return false;
  return owner->waiting_on.load() == nullptr || !IsOwnedWait(owner->wait_kind) ||
         owner->timed_wait;
}
// The stall finding for a run whose unfinished threads are all blocked: a deadlock when
// some of them form a cycle, a stall otherwise.
Finding MakeStallFinding(Run* run);
// "Mutex 'm'", "CondVar 'not_empty'", "thread 'b'".
std::string Describe(ObjectState* obj);

}  // namespace lab::internal
