// semaphores.cc — POSIX unnamed semaphores (sem_init, sem_wait, sem_post, ...) as lab
// Semaphores (hooks.h SemAcquireOp / SemReleaseOp).
//
// Each call is the lab::Semaphore operation: a scheduling point in controlled runs, the
// same happens-before edge (post -> the wait it lets through), a blocked sem_wait is part
// of a `stall` report at the student's line, and timed waits run in virtual time. The
// lab keeps the count; the sem_t's own memory is never used. A sem_t used without
// sem_init starts at 0 (as a zero-filled one does). Named semaphores (sem_open) and
// process-shared ones are not modelled: they behave as libc's.
#include <errno.h>
#include <semaphore.h>
#include <time.h>

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

ObjectState* SemObject(sem_t* s, std::uintptr_t pc) {
  return ObjectAt(s, ObjKind::kSemaphore, pc);
}

int TimedWait(sem_t* sem, clockid_t clock, const timespec* abstime, std::uintptr_t pc) {
  if (abstime == nullptr || abstime->tv_nsec < 0 || abstime->tv_nsec >= 1'000'000'000L) {
    errno = EINVAL;
    return -1;
  }
  InLab in_lab;
  const Nanos left(NanosUntil(clock, abstime));
  const bool got = NoThrow(
      [&] { return SemAcquireOp(SemObject(sem, pc), true, left, true, LocFor(pc)); });
  if (got) return 0;
  errno = ETIMEDOUT;
  return -1;
}

}  // namespace
}  // namespace lab::internal::stdcxx

using namespace lab::internal;
using namespace lab::internal::stdcxx;

extern "C" {

int sem_init(sem_t* sem, int pshared, unsigned value) noexcept {
  if (!CalledFromExecutable(__builtin_return_address(0)) || IsRawCall(nullptr) || pshared != 0) return SyncReal().sem_init(sem, pshared, value);
  const auto pc = Pc(__builtin_return_address(0));
  InLab in_lab;
  ObjectState* s = NewStdObject(ObjKind::kSemaphore, "sem_t", GlobalName(sem), LocFor(pc),
                             static_cast<int>(value));
  if (ObjectState* old = BindObject(sem, s)) NoThrow([&] { DeleteObject(old, LocFor(pc)); });
  return 0;
}

int sem_destroy(sem_t* sem) noexcept {
  if (!CalledFromExecutable(__builtin_return_address(0)) || IsRawCall(nullptr)) return SyncReal().sem_destroy(sem);
  InLab in_lab;
  if (ObjectState* s = ForgetObject(sem)) {
    const auto pc = Pc(__builtin_return_address(0));
    NoThrow([&] { DeleteObject(s, LocFor(pc)); });
    return 0;
  }
  return SyncReal().sem_destroy(sem);
}

int sem_wait(sem_t* sem) {
  if (!CalledFromExecutable(__builtin_return_address(0)) || IsRawCall(nullptr)) return SyncReal().sem_wait(sem);
  const auto pc = Pc(__builtin_return_address(0));
  InLab in_lab;
  NoThrow([&] { SemAcquireOp(SemObject(sem, pc), true, Nanos(0), false, LocFor(pc)); });
  return 0;
}

int sem_trywait(sem_t* sem) noexcept {
  if (!CalledFromExecutable(__builtin_return_address(0)) || IsRawCall(nullptr)) return SyncReal().sem_trywait(sem);
  const auto pc = Pc(__builtin_return_address(0));
  InLab in_lab;
  if (NoThrow([&] { return SemAcquireOp(SemObject(sem, pc), false, Nanos(0), false, LocFor(pc)); })) {
    return 0;
  }
  errno = EAGAIN;
  return -1;
}

int sem_timedwait(sem_t* sem, const timespec* abstime) {
  if (!CalledFromExecutable(__builtin_return_address(0)) || IsRawCall(nullptr)) return SyncReal().sem_timedwait(sem, abstime);
  return TimedWait(sem, CLOCK_REALTIME, abstime, Pc(__builtin_return_address(0)));
}

int sem_clockwait(sem_t* sem, clockid_t clock, const timespec* abstime) {
  if (!CalledFromExecutable(__builtin_return_address(0)) || IsRawCall(nullptr)) return SyncReal().sem_clockwait(sem, clock, abstime);
  return TimedWait(sem, clock, abstime, Pc(__builtin_return_address(0)));
}

int sem_post(sem_t* sem) noexcept {
  if (!CalledFromExecutable(__builtin_return_address(0)) || IsRawCall(nullptr)) return SyncReal().sem_post(sem);
  const auto pc = Pc(__builtin_return_address(0));
  InLab in_lab;
  NoThrow([&] { SemReleaseOp(SemObject(sem, pc), 1, LocFor(pc)); });
  return 0;
}

int sem_getvalue(sem_t* sem, int* value) noexcept {
  if (!CalledFromExecutable(__builtin_return_address(0)) || IsRawCall(nullptr)) return SyncReal().sem_getvalue(sem, value);
  const auto pc = Pc(__builtin_return_address(0));
  InLab in_lab;
  *value = SemValue(SemObject(sem, pc));
  return 0;
}

}  // extern "C"
