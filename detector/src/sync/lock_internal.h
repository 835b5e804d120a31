// lock_internal.h — what the lock files of sync/ share: the lock protocol (lock_ops.cc),
// lock-order findings (lock_order.cc), SharedMutex (shared_mutex.cc). Not for other folders.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "runtime.h"

namespace lab::internal {

// ---- Lock order (lock_order.cc) ----

// The object's node in the run's lock-order graph. Requires the runtime lock.
LockOrderGraph::Node NodeOf(Run* run, ObjectState* s, int gate_permits);
// Records held → s edges, and reports an inversion the new edge closes.
void AddLockOrderEdges(ThreadState* self, ObjectState* s, SiteRef site, bool shared = false);

// Same lock requested under the same held set (and sites) as before adds nothing new to
// the lock-order graph: the observation's hash, kept in a small per-thread cache. Objects
// by their process-unique creation key, never by address (addresses are reused).
// Inline: the free-run lock fast path (LockOp) checks it.
inline std::uint64_t EdgeKey(const ThreadState* self, const ObjectState* s, SiteRef site) {
  std::uint64_t key = s->key * 0x9e3779b97f4a7c15ull ^
                      reinterpret_cast<std::uintptr_t>(site.file) ^ site.line;
  for (const auto& h : self->held) {
    key = (key ^ h.obj->key ^ (h.shared ? 1 : 0) ^
           (static_cast<std::uint64_t>(h.site.line) << 40)) * 0xbf58476d1ce4e5b9ull;
  }
  for (ObjectState* sem : self->sem_held) {
    key = (key ^ sem->key) * 0x94d049bb133111ebull;
  }
  return key | 1;  // 0 marks an empty slot
}
// The cache slot: the product's high bits (its low bits only see the inputs' low bits).
inline std::size_t EdgeSlot(std::uint64_t key) { return key >> 60; }
inline bool EdgesKnown(const ThreadState* self, std::uint64_t key) {
  return self->edge_cache[EdgeSlot(key)] == key;
}

// ---- The lock protocol (lock_ops.cc) ----

// Bookkeeping after `self` took `s`: clocks, acquired site, lock-order node, held list.
// `rt_held`: the caller holds the runtime lock (slow paths) — it is not recursive.
void OnAcquired(ThreadState* self, ObjectState* s, SiteRef site, bool via_try, bool shared,
                bool rt_held = false);
// Drops self's most recent held entry for `s` (exclusive or shared).
void RemoveHeld(ThreadState* self, ObjectState* s, bool shared);
// A misuse finding naming `self`, `s` and `site`.
Finding Misuse(FindingKind kind, ThreadState* self, ObjectState* s, SiteRef site,
               std::string msg);
// `self` locks `s` again, which it holds and which is not reentrant: fatal.
void SelfDeadlock(ThreadState* self, ObjectState* s, SiteRef site);

// ---- SharedMutex, exclusive side (shared_mutex.cc) ----

// Blocking exclusive acquisition of a SharedMutex; `timeout` for try_lock_for. Returns
// false on timeout. The caller made the scheduling point and the lock-order edges.
bool LockSharedMutexExclusive(ThreadState* self, ObjectState* s, SiteRef site,
                              std::optional<Nanos> timeout);
// try_lock of a SharedMutex: no owner and no readers, or false.
bool TryLockSharedMutexExclusive(ThreadState* self, ObjectState* s, SiteRef site);
// The writer's unlock after the protocol's bookkeeping: frees it and wakes every waiter.
void UnlockSharedMutexExclusive(ObjectState* s);

}  // namespace lab::internal
