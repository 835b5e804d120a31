// memory_order.h — the happens-before edges of std::atomic's memory orders, as C++20
// defines them ([intro.races], [atomics.order], [atomics.fences]), for the std:: dialect's
// __tsan_atomic* entry points (tsan_atomics.cc). ThreadSanitizer's model, plus the fences.
//
// Per location, ObjectState::vc is the clock of its release sequence: what an acquire
// that reads the location's current value synchronises with.
// - A release (acq_rel, seq_cst) store starts a new release sequence: vc becomes the
//   storing thread's clock. A relaxed store continues the sequence when its thread heads
//   it (C++11's same-thread rule, and ThreadSanitizer, which never cuts a sequence) and
//   otherwise ends it ([intro.races]: only read-modify-writes continue another thread's
//   sequence): vc becomes what the store publishes by itself (below), often nothing.
// - A read-modify-write continues the sequence whatever its order: a release one joins
//   its thread's clock into vc, a relaxed one keeps vc.
// - An acquire (consume, acq_rel, seq_cst) read joins vc into the reader's clock; a
//   relaxed read adds no edge.
// - Fences ([atomics.fences]): a relaxed store or RMW sequenced after a release fence
//   publishes the thread's clock as of that fence (fence-atomic and fence-fence); what a
//   relaxed read reads (vc) is kept by the thread and taken by its next acquire fence
//   (atomic-fence and fence-fence). A seq_cst fence is both; its place in the single
//   total order adds no happens-before edge, so nothing more is needed to find races.
// The execution itself stays sequentially consistent (every operation is done seq_cst,
// one at a time): the lab does not simulate the values weak memory could let a load read;
// only the race analysis changes. The work-span clock (span_ns) moves with every atomic
// operation whatever its order: it measures time, not happens-before.
// Everything here requires RtGuard (or a controlled run's single step).
#pragma once

#include "runtime.h"

namespace lab::internal::stdcxx {

struct MemOrder {
  bool acquire = true;
  bool release = true;
};

// GCC's -fsanitize=thread passes __ATOMIC_RELAXED (0) .. __ATOMIC_SEQ_CST (5); bits from
// 1 << 15 up (MEMMODEL_SYNC, HLE hints) are flags, as ThreadSanitizer's runtime also
// masks them. consume is acquire; an unknown value is seq_cst.
MemOrder OrderOf(int mo);

// The read of a load, of a read-modify-write (before its write) or of a failed
// compare-exchange (with its failure order).
void AtomicRead(ThreadState* self, ObjectState* obj, MemOrder mo);
// A store (not a read-modify-write).
void AtomicStore(ThreadState* self, ObjectState* obj, MemOrder mo);
// The write of a read-modify-write, after AtomicRead.
void AtomicRmwWrite(ThreadState* self, ObjectState* obj, MemOrder mo);
// std::atomic_thread_fence.
void AtomicFence(ThreadState* self, MemOrder mo);

}  // namespace lab::internal::stdcxx
