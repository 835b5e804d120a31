// futex_ops.h — a wait queue keyed by an address: the futex model of the std:: dialect.
//
// libstdc++'s std::latch, std::barrier, std::counting_semaphore, std::atomic<T>::wait and
// std::promise/std::future park in futex(2) once their short spin fails; the dialect
// (stdcxx/futex.cc) maps each FUTEX_WAIT / FUTEX_WAKE onto these two operations on one
// ObjKind::kFutex object per address. Like the other lab operations, each is a scheduling
// point in controlled runs and an event for the analyses in every run: the wait is a
// non-owned wait (part of a `stall`, never of a deadlock cycle) and the wake is a
// happens-before edge to every thread it wakes.
#pragma once

#include <optional>

#include "lab/internal/hooks.h"

namespace lab::internal {

// FUTEX_WAIT: if `*word == expected` (read atomically with respect to every other lab
// operation: under the runtime lock in free runs, between two scheduling points in
// controlled ones), parks the calling thread on `q` until a FutexWakeOp on `q` or the
// timeout (virtual time in controlled runs). Returns 0 when woken, EAGAIN when the word
// differed, ETIMEDOUT on timeout. `point_obj` is the object the scheduling point names
// (the std::atomic at the same address when there is one, so that the partial-order
// reduction sees the wait depend on the stores to its word); null means `q`.
int FutexWaitOp(ObjectState* q, ObjectState* point_obj, const volatile int* word, int expected,
                std::optional<Nanos> timeout, const Loc& loc);

// FUTEX_WAKE: wakes up to `n` threads parked on `q` (FIFO); returns how many it woke.
int FutexWakeOp(ObjectState* q, ObjectState* point_obj, int n, const Loc& loc);

}  // namespace lab::internal
