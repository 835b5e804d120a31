// futex_ops.cc — see futex_ops.h.
#include "futex_ops.h"

#include <cerrno>

#include "controlled_scheduler.h"
#include "runtime.h"

namespace lab::internal {
namespace {

// DPOR (dpor_strategy.cc): what a futex operation touches besides the object its point
// names, added to its step's footprint as plain-memory words (the step is running: the
// point is behind it). The point names the std::atomic at the word when there is one, the
// queue otherwise; which one depends on whether an atomic operation on the word came
// first, so the names alone would leave a wait independent of a wake (or store) whose
// point named the other one, and of every plain store to the word. So:
//   - the wait reads the word (the check that returns EAGAIN): dependent with every store
//     to it, plain (instrumented code) or atomic (tsan_atomics.cc adds each atomic's word);
//   - both write the queue, named by its address (a queue lives as long as the process, so
//     its address names it in every schedule, as a global word is named).
void AddFutexFootprint(ThreadState* self, const ObjectState* q, const volatile int* word) {
  Run* run = self->run;
  if (run->mode != RunMode::kControlled || !run->sched->RecordsPlainAccesses()) return;
  if (word != nullptr) {
    run->sched->OnPlainAccess(reinterpret_cast<std::uintptr_t>(word), sizeof(int), false);
  }
  run->sched->OnPlainAccess(reinterpret_cast<std::uintptr_t>(q), 1, true);
}

}  // namespace

int FutexWaitOp(ObjectState* q, ObjectState* point_obj, const volatile int* word, int expected,
                std::optional<Nanos> timeout, const Loc& loc) {
  ThreadState* self = Self();
  Enter(self, q);
  Enter(self, point_obj);
  const SiteRef site = Fix(self, loc);
  Point(self, OpCode::kWait, point_obj != nullptr ? point_obj : q, site);
  AddFutexFootprint(self, q, word);
  RtGuard g;
  // The check and the enqueue are one step for every waker: a FUTEX_WAKE after the word
  // changed takes the runtime lock (or the scheduler's turn) after this thread is queued.
  if (__atomic_load_n(word, __ATOMIC_SEQ_CST) != expected) return EAGAIN;
  q->waiters.push_back(self);
  if (!BlockOn(self, q, WaitKind::kFutex, site, g, timeout)) return ETIMEDOUT;
  Acquire(self, q);
  return 0;
}

int FutexWakeOp(ObjectState* q, ObjectState* point_obj, int n, const Loc& loc) {
  ThreadState* self = Self();
  Enter(self, q);
  Enter(self, point_obj);
  const SiteRef site = Fix(self, loc);
  // A wake with nobody parked counts as a poll (ThreadState::idle_wake): libstdc++'s
  // notify wakes whenever a waiter has registered, also while that waiter is runnable.
  self->idle_wake = self->run->mode == RunMode::kControlled && q->waiters.empty();
  Point(self, n > 1 ? OpCode::kNotifyAll : OpCode::kNotify, point_obj != nullptr ? point_obj : q,
        site);
  self->idle_wake = false;
  AddFutexFootprint(self, q, nullptr);
  RtGuard g;
  Release(self, q);
  return WakeSome(q, n);
}

}  // namespace lab::internal
