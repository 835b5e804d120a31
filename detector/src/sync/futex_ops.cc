// futex_ops.cc — see futex_ops.h.
#include "futex_ops.h"

#include <cerrno>

#include "runtime.h"

namespace lab::internal {

int FutexWaitOp(ObjectState* q, ObjectState* point_obj, const volatile int* word, int expected,
                std::optional<Nanos> timeout, const Loc& loc) {
  ThreadState* self = Self();
  Enter(self, q);
  Enter(self, point_obj);
  const SiteRef site = Fix(self, loc);
  Point(self, OpCode::kWait, point_obj != nullptr ? point_obj : q, site);
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
  Point(self, n > 1 ? OpCode::kNotifyAll : OpCode::kNotify, point_obj != nullptr ? point_obj : q,
        site);
  RtGuard g;
  Release(self, q);
  int woken = 0;
  while (woken < n && !q->waiters.empty()) {
    WakeOne(q);
    ++woken;
  }
  return woken;
}

}  // namespace lab::internal
