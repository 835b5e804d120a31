// barriers.cc — POSIX barriers (pthread_barrier_init, _wait, _destroy) as lab Barriers
// (hooks.h BarrierWaitOp).
//
// glibc's pthread_barrier_wait parks in futex() inside libc, where the lab's syscall
// interposer never sees it: unmodelled, a controlled run's one OS thread blocked in it for
// real and a correct solution (H2O's semaphores-and-barrier, written with pthreads) was a
// `hang`. Each wait is now the lab::Barrier operation: a scheduling point, the
// happens-before edge from every party's arrival to every party's return, and a wait no
// round completes is part of a `stall` at the student's line. The lab keeps the count;
// the pthread_barrier_t's own memory is never used. A barrier used without
// pthread_barrier_init has one party (an uninitialised barrier is undefined behaviour).
// Process-shared barriers (a pshared attribute) are not modelled: they behave as libc's.
#include <errno.h>
#include <pthread.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "no_throw.h"
#include "object_map.h"
#include "real_calls.h"
#include "runtime.h"
#include "sites.h"
#include "sync_real.h"

namespace lab::internal::stdcxx {
namespace {

constexpr const char* kType = "pthread_barrier_t";

// `ret`: the interposer's return address (the student's call).
bool Modelled(const void* ret) {
  return CalledFromExecutable(ret) && !IsRawCall(nullptr, ret);
}

bool ProcessShared(const pthread_barrierattr_t* attr) {
  int shared = PTHREAD_PROCESS_PRIVATE;
  return attr != nullptr && pthread_barrierattr_getpshared(attr, &shared) == 0 &&
         shared == PTHREAD_PROCESS_SHARED;
}

}  // namespace
}  // namespace lab::internal::stdcxx

using namespace lab::internal;
using namespace lab::internal::stdcxx;

extern "C" {

int pthread_barrier_init(pthread_barrier_t* b, const pthread_barrierattr_t* attr,
                         unsigned count) noexcept {
  if (!Modelled(__builtin_return_address(0)) || ProcessShared(attr)) {
    return SyncReal().barrier_init(b, attr, count);
  }
  if (count == 0) return EINVAL;
  const auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  InLab in_lab;
  ObjectState* s = NewStdObject(ObjKind::kBarrier, kType, GlobalName(b), LocFor(pc),
                                static_cast<int>(count));
  if (ObjectState* old = BindObject(b, s)) NoThrow([&] { DeleteObject(old, LocFor(pc)); });
  return 0;
}

int pthread_barrier_destroy(pthread_barrier_t* b) noexcept {
  if (!Modelled(__builtin_return_address(0))) return SyncReal().barrier_destroy(b);
  InLab in_lab;
  if (ObjectState* s = ForgetObject(b)) {
    const auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
    NoThrow([&] { DeleteObject(s, LocFor(pc)); });
    return 0;
  }
  return SyncReal().barrier_destroy(b);
}

// Exactly one party of each round (the last to arrive) gets PTHREAD_BARRIER_SERIAL_THREAD.
int pthread_barrier_wait(pthread_barrier_t* b) noexcept {
  if (!Modelled(__builtin_return_address(0))) return SyncReal().barrier_wait(b);
  const auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  InLab in_lab;
  ObjectState* s = ObjectAt(b, ObjKind::kBarrier, pc, kType);
  const int index = NoThrow([&] { return BarrierWaitOp(s, LocFor(pc)); });
  return index == std::max(1, s->initial) - 1 ? PTHREAD_BARRIER_SERIAL_THREAD : 0;
}

}  // extern "C"
