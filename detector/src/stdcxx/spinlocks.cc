// spinlocks.cc — POSIX spin locks (pthread_spin_init, _lock, _trylock, _unlock, _destroy)
// as lab Mutexes named "pthread_spinlock_t".
//
// glibc's spin lock is an atomic loop inside libc, which no instrumentation sees: the
// lab saw neither the lock nor its ordering, so data guarded by it was a false
// `data-race`, and a thread spinning on a lock held by another fiber of a controlled run
// would have spun for ever. Each call is now the lab Mutex operation (hooks.h): a
// scheduling point in controlled runs, the same event for happens-before, the lock-order
// graph and the wait-for graph. A thread waiting for the lock blocks in the lab rather
// than spinning (the same orderings; the spin itself has no effect a program can see).
// Only calls from the executable are modelled; process-shared spin locks behave as libc's.
#include <errno.h>
#include <pthread.h>

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

constexpr const char* kType = "pthread_spinlock_t";

// `ret`: the interposer's return address (the student's call).
bool Modelled(const void* ret) {
  return CalledFromExecutable(ret) && !IsRawCall(nullptr, ret);
}

ObjectState* SpinObject(pthread_spinlock_t* l, std::uintptr_t pc) {
  return ObjectAt(const_cast<int*>(l), ObjKind::kMutex, pc, kType);
}

}  // namespace
}  // namespace lab::internal::stdcxx

using namespace lab::internal;
using namespace lab::internal::stdcxx;

extern "C" {

int pthread_spin_init(pthread_spinlock_t* l, int pshared) noexcept {
  if (!Modelled(__builtin_return_address(0)) || pshared != PTHREAD_PROCESS_PRIVATE) {
    return SyncReal().spin_init(l, pshared);
  }
  const auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  InLab in_lab;
  ObjectState* s = NewStdObject(ObjKind::kMutex, kType, GlobalName(const_cast<int*>(l)),
                                LocFor(pc));
  if (ObjectState* old = BindObject(const_cast<int*>(l), s)) {
    NoThrow([&] { DeleteObject(old, LocFor(pc)); });
  }
  return 0;
}

int pthread_spin_destroy(pthread_spinlock_t* l) noexcept {
  if (!Modelled(__builtin_return_address(0))) return SyncReal().spin_destroy(l);
  InLab in_lab;
  if (ObjectState* s = ForgetObject(const_cast<int*>(l))) {
    const auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
    NoThrow([&] { DeleteObject(s, LocFor(pc)); });
    return 0;
  }
  return SyncReal().spin_destroy(l);
}

int pthread_spin_lock(pthread_spinlock_t* l) noexcept {
  if (!Modelled(__builtin_return_address(0))) return SyncReal().spin_lock(l);
  const auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  InLab in_lab;
  NoThrow([&] { LockOp(SpinObject(l, pc), LocFor(pc)); });
  return 0;
}

int pthread_spin_trylock(pthread_spinlock_t* l) noexcept {
  if (!Modelled(__builtin_return_address(0))) return SyncReal().spin_trylock(l);
  const auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  InLab in_lab;
  return NoThrow([&] { return TryLockOp(SpinObject(l, pc), LocFor(pc)); }) ? 0 : EBUSY;
}

int pthread_spin_unlock(pthread_spinlock_t* l) noexcept {
  if (!Modelled(__builtin_return_address(0))) return SyncReal().spin_unlock(l);
  const auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  InLab in_lab;
  NoThrow([&] { UnlockOp(SpinObject(l, pc), LocFor(pc)); });
  return 0;
}

}  // extern "C"
