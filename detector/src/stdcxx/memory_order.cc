// memory_order.cc — std::atomic's memory orders as happens-before edges (memory_order.h).
#include "memory_order.h"

namespace lab::internal::stdcxx {
namespace {

void CarrySpanIn(ThreadState* self, const ObjectState* obj) {
  if (self->span_ns < obj->span_ns) self->span_ns = obj->span_ns;
}
void CarrySpanOut(const ThreadState* self, ObjectState* obj) {
  if (obj->span_ns < self->span_ns) obj->span_ns = self->span_ns;
}

// obj's clock took something other than its owner's clock: the Release/Acquire fast path
// (runtime.h ClockOwnedBy) no longer applies.
void JoinInto(ObjectState* obj, const VectorClock& c) {
  if (obj->vc.Join(c)) obj->vc_owner = nullptr;
}

}  // namespace

MemOrder OrderOf(int mo) {
  switch (mo & 0x7fff) {
    case __ATOMIC_RELAXED: return {false, false};
    case __ATOMIC_CONSUME:
    case __ATOMIC_ACQUIRE: return {true, false};
    case __ATOMIC_RELEASE: return {false, true};
    default: return {true, true};  // acq_rel, seq_cst, anything else
  }
}

void AtomicRead(ThreadState* self, ObjectState* obj, MemOrder mo) {
  if (mo.acquire) return Acquire(self, obj);
  CarrySpanIn(self, obj);
  // No edge now; an acquire fence later in this thread synchronises with the release
  // sequence read here. A clock this thread published itself adds nothing.
  if (!ClockOwnedBy(obj, self)) self->fence_acquire_vc.Join(obj->vc);
}

void AtomicStore(ThreadState* self, ObjectState* obj, MemOrder mo) {
  if (mo.release) {
    // A new release sequence: what earlier stores published is no longer reachable
    // through this location (ThreadSanitizer's ReleaseStore).
    CarrySpanOut(self, obj);
    obj->vc.Assign(self->vc);
    obj->vc_owner = self;
    obj->vc_owner_version = self->vc_version;
    obj->rs_head = self->tid;
    self->vc.Tick(self->tid);
    return;
  }
  CarrySpanOut(self, obj);
  if (obj->rs_head == self->tid) {
    // The head's own later store: the sequence goes on (plus its fence's clock, if any).
    JoinInto(obj, self->fence_release_vc);
    return;
  }
  // Another thread's relaxed store ends the sequence. What remains is what this store
  // publishes by itself: the clock of its thread's last release fence (usually none). It
  // heads that (hypothetical) sequence, which its thread's later stores continue.
  obj->vc.Assign(self->fence_release_vc);
  obj->vc_owner = nullptr;
  obj->rs_head = self->tid;
}

void AtomicRmwWrite(ThreadState* self, ObjectState* obj, MemOrder mo) {
  if (mo.release) return Release(self, obj);  // joins: continues the sequence, and heads one
  CarrySpanOut(self, obj);
  JoinInto(obj, self->fence_release_vc);  // relaxed: keeps the sequence's clock
}

void AtomicFence(ThreadState* self, MemOrder mo) {
  // Acquire first: an acq_rel or seq_cst fence's release half publishes what its acquire
  // half took (transitivity through the fence).
  if (mo.acquire) {
    if (self->vc.Join(self->fence_acquire_vc)) self->vc_version++;
    self->fence_acquire_vc.Zero();  // taken: self->vc covers it from now on
  }
  if (mo.release) {
    self->fence_release_vc.Assign(self->vc);
    self->vc.Tick(self->tid);  // what follows the fence is not published by it
  }
}

}  // namespace lab::internal::stdcxx
