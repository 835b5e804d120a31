// pthread_sync.cc — pthread mutexes and condition variables as lab Mutex/RLock/CondVar.
//
// libstdc++'s std::mutex, std::recursive_mutex and std::timed_mutex inline to these calls
// in the student's code; std::condition_variable calls them from inside libstdc++.so,
// which the executable's definitions interpose as well (they are in its dynamic symbol
// table because libstdc++.so references them). Each call is then exactly the lab
// primitive's operation (hooks.h): a scheduling point in controlled runs and the same
// event for the wait-for graph, the lock-order graph and happens-before, in every run.
// The lab implements the lock itself, so the pthread object's own memory is never used.
// Calls that are the lab's own (real_calls.h: IsRawCall) go to libc unchanged.
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "no_throw.h"
#include "object_map.h"
#include "real_calls.h"
#include "runtime.h"
#include "sites.h"
#include "time_model.h"

namespace lab::internal::stdcxx {
namespace {

std::uintptr_t Pc(void* ret) { return reinterpret_cast<std::uintptr_t>(ret); }

// PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP and pthread_mutexattr_settype both set the kind
// in glibc's mutex word; std::recursive_mutex is one of those.
ObjKind KindOf(const pthread_mutex_t* m) {
  return (m->__data.__kind & 3) == PTHREAD_MUTEX_RECURSIVE_NP ? ObjKind::kRLock
                                                              : ObjKind::kMutex;
}

// Where the lab marks a pthread mutex or condition variable it knows (object_map.h
// StampedObjectAt): bytes glibc leaves alone for them (a normal mutex's robust-list link,
// a condition variable's group signals: the lab implements both itself) and that
// PTHREAD_*_INITIALIZER, std::mutex's constructor and pthread_*_init all zero.
constexpr std::size_t kMutexStamp = offsetof(pthread_mutex_t, __data.__list.__next);
constexpr std::size_t kCondStamp = offsetof(pthread_cond_t, __data.__g_signals);
static_assert(kMutexStamp % 8 == 0 && kMutexStamp + 8 <= sizeof(pthread_mutex_t));
static_assert(kCondStamp % 8 == 0 && kCondStamp + 8 <= sizeof(pthread_cond_t));

ObjectState* MutexObject(pthread_mutex_t* m, std::uintptr_t pc) {
  return StampedObjectAt(m, kMutexStamp, KindOf(m), pc);
}
ObjectState* CondObject(pthread_cond_t* c, std::uintptr_t pc) {
  return StampedObjectAt(c, kCondStamp, ObjKind::kCondVar, pc);
}

// A PTHREAD_MUTEX_ERRORCHECK mutex (pthread_mutexattr_settype) has defined answers where a
// std::mutex has undefined behaviour: locking it again returns EDEADLK, unlocking it from
// a thread that does not hold it returns EPERM; neither blocks nor changes the mutex. A
// program that checks those codes is correct, so they are answered, not reported.
bool ErrorChecking(const pthread_mutex_t* m) {
  return (m->__data.__kind & 3) == PTHREAD_MUTEX_ERRORCHECK_NP;
}

// Whether the calling thread holds `s` (only the holder can change that answer for itself).
bool HeldByCaller(const ObjectState* s) {
  return s->owner.load(std::memory_order_relaxed) == Self();
}

// A mutex locked with a deadline is a std::timed_mutex (or recursive_timed_mutex).
ObjectState* TimedMutexObject(pthread_mutex_t* m, std::uintptr_t pc) {
  ObjectState* s = MutexObject(m, pc);
  NoteTimedUse(s);
  return s;
}

// The time left until `abstime` on `clock`, never negative: virtual time for a lab thread
// of a controlled run (time_model.h), so a deadline computed from now() there is kept.
Nanos Remaining(clockid_t clock, const timespec* abstime) {
  return RemainingUntil(clock, abstime);
}

int CondWait(pthread_cond_t* c, pthread_mutex_t* m, bool timed, Nanos timeout,
             const StudentCallEntry& e) {
  InLab in_lab(e.stack);
  ObjectState* cv = CondObject(c, e.pc);
  ObjectState* lock = MutexObject(m, e.pc);
  const bool woke = NoThrow([&] { return CondWaitOp(cv, lock, /*owns=*/true, timeout, timed, e.Site()); });
  return woke ? 0 : ETIMEDOUT;
}

}  // namespace
}  // namespace lab::internal::stdcxx

using namespace lab::internal;
using namespace lab::internal::stdcxx;

extern "C" {

int pthread_mutex_lock(pthread_mutex_t* m) {
  StudentCallEntry e;
  if (!EnterStudentCall(m, Pc(__builtin_return_address(0)), &e)) return Real().mutex_lock(m);
  InLab in_lab(e.stack);
  ObjectState* s = MutexObject(m, e.pc);
  if (ErrorChecking(m) && HeldByCaller(s)) return EDEADLK;
  return NoThrowErrno([&] { LockOp(s, e.Site()); });
}

int pthread_mutex_trylock(pthread_mutex_t* m) {
  if (IsRawCall(m)) return Real().mutex_trylock(m);
  const auto pc = Pc(__builtin_return_address(0));
  InLab in_lab;
  return NoThrow([&] { return TryLockOp(MutexObject(m, pc), LocFor(pc)); }) ? 0 : EBUSY;
}

int pthread_mutex_timedlock(pthread_mutex_t* m, const timespec* abstime) {
  if (IsRawCall(m)) return Real().mutex_timedlock(m, abstime);
  const auto pc = Pc(__builtin_return_address(0));
  InLab in_lab;
  const Nanos left = Remaining(CLOCK_REALTIME, abstime);
  ObjectState* s = TimedMutexObject(m, pc);
  if (ErrorChecking(m) && HeldByCaller(s)) return EDEADLK;
  return NoThrow([&] { return TimedLockOp(s, left, LocFor(pc)); }) ? 0 : ETIMEDOUT;
}

int pthread_mutex_clocklock(pthread_mutex_t* m, clockid_t clock, const timespec* abstime) {
  if (IsRawCall(m)) return Real().mutex_clocklock(m, clock, abstime);
  const auto pc = Pc(__builtin_return_address(0));
  InLab in_lab;
  const Nanos left = Remaining(clock, abstime);
  ObjectState* s = TimedMutexObject(m, pc);
  if (ErrorChecking(m) && HeldByCaller(s)) return EDEADLK;
  return NoThrow([&] { return TimedLockOp(s, left, LocFor(pc)); }) ? 0 : ETIMEDOUT;
}

int pthread_mutex_unlock(pthread_mutex_t* m) {
  StudentCallEntry e;
  if (!EnterStudentCall(m, Pc(__builtin_return_address(0)), &e)) return Real().mutex_unlock(m);
  InLab in_lab(e.stack);
  ObjectState* s = MutexObject(m, e.pc);
  if (ErrorChecking(m) && !HeldByCaller(s)) return EPERM;
  NoThrow([&] { UnlockOp(s, e.Site()); });
  return 0;
}

int pthread_mutex_destroy(pthread_mutex_t* m) {
  if (IsRawCall(m)) return Real().mutex_destroy(m);
  InLab in_lab;
  if (ObjectState* s = ForgetObject(m)) {
    const auto pc = Pc(__builtin_return_address(0));
    NoThrow([&] { DeleteObject(s, LocFor(pc)); });
    return 0;
  }
  return Real().mutex_destroy(m);
}

int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m) {
  StudentCallEntry e;
  if (!EnterStudentCall(m, Pc(__builtin_return_address(0)), &e)) return Real().cond_wait(c, m);
  return CondWait(c, m, false, Nanos(0), e);
}

int pthread_cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m, const timespec* abstime) {
  StudentCallEntry e;
  if (!EnterStudentCall(m, Pc(__builtin_return_address(0)), &e)) {
    return Real().cond_timedwait(c, m, abstime);
  }
  return CondWait(c, m, true, Remaining(CLOCK_REALTIME, abstime), e);
}

int pthread_cond_clockwait(pthread_cond_t* c, pthread_mutex_t* m, clockid_t clock,
                           const timespec* abstime) {
  StudentCallEntry e;
  if (!EnterStudentCall(m, Pc(__builtin_return_address(0)), &e)) {
    return Real().cond_clockwait(c, m, clock, abstime);
  }
  return CondWait(c, m, true, Remaining(clock, abstime), e);
}

int pthread_cond_signal(pthread_cond_t* c) {
  StudentCallEntry e;
  if (!EnterStudentCall(nullptr, Pc(__builtin_return_address(0)), &e)) {
    return Real().cond_signal(c);
  }
  InLab in_lab(e.stack);
  NoThrow([&] { CondNotifyOp(CondObject(c, e.pc), false, e.Site()); });
  return 0;
}

int pthread_cond_broadcast(pthread_cond_t* c) {
  StudentCallEntry e;
  if (!EnterStudentCall(nullptr, Pc(__builtin_return_address(0)), &e)) {
    return Real().cond_broadcast(c);
  }
  InLab in_lab(e.stack);
  NoThrow([&] { CondNotifyOp(CondObject(c, e.pc), true, e.Site()); });
  return 0;
}

int pthread_cond_destroy(pthread_cond_t* c) {
  if (IsRawCall(nullptr)) return Real().cond_destroy(c);
  InLab in_lab;
  if (RetireObject(c, kCondStamp, ObjKind::kCondVar)) return 0;
  if (ObjectState* s = ForgetObject(c)) {
    const auto pc = Pc(__builtin_return_address(0));
    NoThrow([&] { DeleteObject(s, LocFor(pc)); });
    return 0;
  }
  return Real().cond_destroy(c);
}

}  // extern "C"
