// rwlock.cc — pthread_rwlock_* (std::shared_mutex and std::shared_timed_mutex, which
// libstdc++ 12 builds on them inline) as a lab SharedMutex (hooks.h LockOp / LockSharedOp),
// named as the student wrote it: "std::shared_mutex", or "pthread_rwlock_t" for direct calls.
//
// Each call is the lab SharedMutex operation: a scheduling point in controlled runs, the
// same event for the wait-for graph (a writer waiting for readers is part of a deadlock
// cycle), the lock-order graph and happens-before (a writer's unlock happens before every
// later lock; readers' unlocks before the next writer's lock). Timed forms run in virtual
// time. pthread_rwlock_unlock releases the exclusive hold when the caller owns it, else
// one shared hold. The rwlock's own memory is never used.
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "no_throw.h"
#include "object_map.h"
#include "real_calls.h"
#include "runtime.h"
#include "sites.h"
#include "sync_real.h"

namespace lab::internal::stdcxx {
namespace {

std::uintptr_t Pc(void* ret) { return reinterpret_cast<std::uintptr_t>(ret); }

// The type as the student wrote it: libstdc++'s std::shared_mutex calls pthread_rwlock_*
// from its header's inline code; a call from the student's own line is a pthread_rwlock_t.
const char* RwType(std::uintptr_t pc) {
  return CalledFromSystemHeader(pc) ? "std::shared_mutex" : "pthread_rwlock_t";
}

// Where the lab marks an rwlock it knows (object_map.h StampedObjectAt): glibc's unused
// __pad2, zeroed by PTHREAD_RWLOCK_INITIALIZER (std::shared_mutex) and pthread_rwlock_init.
constexpr std::size_t kRwStamp = offsetof(pthread_rwlock_t, __data.__pad2);
static_assert(kRwStamp % 8 == 0 && kRwStamp + 8 <= sizeof(pthread_rwlock_t));

ObjectState* RwObject(pthread_rwlock_t* rw, std::uintptr_t pc) {
  if (ObjectState* s = StampedFront(rw, kRwStamp)) [[likely]] {
    ObjectMetAgain(s, pc);
    return s;
  }
  return StampedObjectAtSlow(rw, kRwStamp, ObjKind::kSharedMutex, pc, RwType(pc));
}

// A timed shared lock. The runtime has no timed LockSharedOp, so the attempt is a
// try_lock_shared repeated after short sleeps (virtual time in controlled runs: each sleep
// is a scheduling point, and the lock is taken at most 100 us after it became free) until
// the deadline. Timed shared locks are rare in submissions; a timed LockSharedOp in the
// runtime would replace this.
int TimedShared(pthread_rwlock_t* rw, clockid_t clock, const timespec* abstime,
                std::uintptr_t pc) {
  InLab in_lab;
  ObjectState* s = RwObject(rw, pc);
  NoteTimedUse(s);  // a std::shared_timed_mutex
  const Loc loc = LocFor(pc);
  const Nanos left(NanosUntil(clock, abstime));
  const Nanos deadline = NowOp() + left;
  constexpr Nanos kPoll = std::chrono::microseconds(100);
  while (true) {
    if (NoThrow([&] { return TryLockSharedOp(s, loc); })) return 0;
    const Nanos now = NowOp();
    if (now >= deadline) return ETIMEDOUT;
    NoThrow([&] { SleepOp(std::min(kPoll, deadline - now), loc); });
  }
}

int TimedExclusive(pthread_rwlock_t* rw, clockid_t clock, const timespec* abstime,
                   std::uintptr_t pc) {
  InLab in_lab;
  const Nanos left(NanosUntil(clock, abstime));
  ObjectState* s = RwObject(rw, pc);
  NoteTimedUse(s);  // a std::shared_timed_mutex
  return NoThrow([&] { return TimedLockOp(s, left, LocFor(pc)); }) ? 0
                                                                                  : ETIMEDOUT;
}

}  // namespace
}  // namespace lab::internal::stdcxx

using namespace lab::internal;
using namespace lab::internal::stdcxx;

extern "C" {

int pthread_rwlock_init(pthread_rwlock_t* rw, const pthread_rwlockattr_t* attr) noexcept {
  if (!CalledFromExecutable(__builtin_return_address(0)) || IsRawCall(nullptr)) return SyncReal().rw_init(rw, attr);
  const auto pc = Pc(__builtin_return_address(0));
  InLab in_lab;
  ObjectState* s = NewStdObject(ObjKind::kSharedMutex, RwType(pc), GlobalName(rw), LocFor(pc));
  if (ObjectState* old = BindObject(rw, s)) NoThrow([&] { DeleteObject(old, LocFor(pc)); });
  StampObject(rw, kRwStamp, s);
  return 0;
}

int pthread_rwlock_destroy(pthread_rwlock_t* rw) noexcept {
  if (!CalledFromExecutable(__builtin_return_address(0)) || IsRawCall(nullptr)) return SyncReal().rw_destroy(rw);
  InLab in_lab;
  if (ObjectState* s = ForgetObject(rw)) {
    const auto pc = Pc(__builtin_return_address(0));
    NoThrow([&] { DeleteObject(s, LocFor(pc)); });
    return 0;
  }
  return SyncReal().rw_destroy(rw);
}

int pthread_rwlock_rdlock(pthread_rwlock_t* rw) noexcept {
  if (!CalledFromExecutable(__builtin_return_address(0)) || IsRawCall(nullptr)) return SyncReal().rw_rdlock(rw);
  const auto pc = Pc(__builtin_return_address(0));
  InLab in_lab;
  return NoThrowErrno([&] { LockSharedOp(RwObject(rw, pc), LocFor(pc)); });
}

int pthread_rwlock_tryrdlock(pthread_rwlock_t* rw) noexcept {
  if (!CalledFromExecutable(__builtin_return_address(0)) || IsRawCall(nullptr)) return SyncReal().rw_tryrdlock(rw);
  const auto pc = Pc(__builtin_return_address(0));
  InLab in_lab;
  return NoThrow([&] { return TryLockSharedOp(RwObject(rw, pc), LocFor(pc)); }) ? 0 : EBUSY;
}

int pthread_rwlock_timedrdlock(pthread_rwlock_t* rw, const timespec* abstime) noexcept {
  if (!CalledFromExecutable(__builtin_return_address(0)) || IsRawCall(nullptr)) return SyncReal().rw_timedrdlock(rw, abstime);
  return TimedShared(rw, CLOCK_REALTIME, abstime, Pc(__builtin_return_address(0)));
}

int pthread_rwlock_clockrdlock(pthread_rwlock_t* rw, clockid_t clock,
                               const timespec* abstime) noexcept {
  if (!CalledFromExecutable(__builtin_return_address(0)) || IsRawCall(nullptr)) return SyncReal().rw_clockrdlock(rw, clock, abstime);
  return TimedShared(rw, clock, abstime, Pc(__builtin_return_address(0)));
}

int pthread_rwlock_wrlock(pthread_rwlock_t* rw) noexcept {
  if (!CalledFromExecutable(__builtin_return_address(0)) || IsRawCall(nullptr)) return SyncReal().rw_wrlock(rw);
  const auto pc = Pc(__builtin_return_address(0));
  InLab in_lab;
  return NoThrowErrno([&] { LockOp(RwObject(rw, pc), LocFor(pc)); });
}

int pthread_rwlock_trywrlock(pthread_rwlock_t* rw) noexcept {
  if (!CalledFromExecutable(__builtin_return_address(0)) || IsRawCall(nullptr)) return SyncReal().rw_trywrlock(rw);
  const auto pc = Pc(__builtin_return_address(0));
  InLab in_lab;
  return NoThrow([&] { return TryLockOp(RwObject(rw, pc), LocFor(pc)); }) ? 0 : EBUSY;
}

int pthread_rwlock_timedwrlock(pthread_rwlock_t* rw, const timespec* abstime) noexcept {
  if (!CalledFromExecutable(__builtin_return_address(0)) || IsRawCall(nullptr)) return SyncReal().rw_timedwrlock(rw, abstime);
  return TimedExclusive(rw, CLOCK_REALTIME, abstime, Pc(__builtin_return_address(0)));
}

int pthread_rwlock_clockwrlock(pthread_rwlock_t* rw, clockid_t clock,
                               const timespec* abstime) noexcept {
  if (!CalledFromExecutable(__builtin_return_address(0)) || IsRawCall(nullptr)) return SyncReal().rw_clockwrlock(rw, clock, abstime);
  return TimedExclusive(rw, clock, abstime, Pc(__builtin_return_address(0)));
}

int pthread_rwlock_unlock(pthread_rwlock_t* rw) noexcept {
  if (!CalledFromExecutable(__builtin_return_address(0)) || IsRawCall(nullptr)) return SyncReal().rw_unlock(rw);
  const auto pc = Pc(__builtin_return_address(0));
  InLab in_lab;
  ObjectState* s = RwObject(rw, pc);
  const bool exclusive = s->owner.load() == Self();
  NoThrow([&] {
    if (exclusive) UnlockOp(s, LocFor(pc));
    else UnlockSharedOp(s, LocFor(pc));
  });
  return 0;
}

}  // extern "C"
