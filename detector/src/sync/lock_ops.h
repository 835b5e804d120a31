// lock_ops.h — what lock_ops.cc tells the tests about itself.
//
// The lock fast path of free runs (LockOp/UnlockOp in lock_ops.cc) changes no result, only
// the cost, so no finding can show that it is taken. This count can: the calling
// thread's Mutex and RLock lock and unlock operations that went through the slow path.
// A warm, uncontended lock of the free run must not add to it. Counted on the slow path
// only, so the fast path pays nothing for it.
#pragma once

#include <cstdint>

namespace lab::internal {

// Lock and unlock operations of the calling OS thread that took the slow path, since the
// thread started (Mutex, RLock; every kind of run).
std::uint64_t LockSlowPathCount();

}  // namespace lab::internal
