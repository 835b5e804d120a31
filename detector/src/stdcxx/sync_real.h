// sync_real.h — libc's own functions behind the interposers of futex.cc, yield.cc,
// semaphores.cc, once.cc, rwlock.cc, barriers.cc and spinlocks.cc (the same route as real_calls.h, kept apart so
// that each group of interposers owns its lookups).
#pragma once

#include <pthread.h>
#include <semaphore.h>
#include <time.h>

namespace lab::internal::stdcxx {

struct SyncRealCalls {
  long (*syscall)(long, ...);
  int (*sched_yield)();
  int (*sem_init)(sem_t*, int, unsigned);
  int (*sem_destroy)(sem_t*);
  int (*sem_wait)(sem_t*);
  int (*sem_trywait)(sem_t*);
  int (*sem_timedwait)(sem_t*, const timespec*);
  int (*sem_clockwait)(sem_t*, clockid_t, const timespec*);
  int (*sem_post)(sem_t*);
  int (*sem_getvalue)(sem_t*, int*);
  int (*once)(pthread_once_t*, void (*)());
  int (*rw_init)(pthread_rwlock_t*, const pthread_rwlockattr_t*);
  int (*rw_destroy)(pthread_rwlock_t*);
  int (*rw_rdlock)(pthread_rwlock_t*);
  int (*rw_tryrdlock)(pthread_rwlock_t*);
  int (*rw_timedrdlock)(pthread_rwlock_t*, const timespec*);
  int (*rw_clockrdlock)(pthread_rwlock_t*, clockid_t, const timespec*);
  int (*rw_wrlock)(pthread_rwlock_t*);
  int (*rw_trywrlock)(pthread_rwlock_t*);
  int (*rw_timedwrlock)(pthread_rwlock_t*, const timespec*);
  int (*rw_clockwrlock)(pthread_rwlock_t*, clockid_t, const timespec*);
  int (*rw_unlock)(pthread_rwlock_t*);
  int (*barrier_init)(pthread_barrier_t*, const pthread_barrierattr_t*, unsigned);
  int (*barrier_destroy)(pthread_barrier_t*);
  int (*barrier_wait)(pthread_barrier_t*);
  int (*spin_init)(pthread_spinlock_t*, int);
  int (*spin_destroy)(pthread_spinlock_t*);
  int (*spin_lock)(pthread_spinlock_t*);
  int (*spin_trylock)(pthread_spinlock_t*);
  int (*spin_unlock)(pthread_spinlock_t*);
};

// Resolved on first use.
const SyncRealCalls& SyncReal();

// True when `pc` lies in the executable's code: the student's code and the standard
// headers inlined into it (std::shared_mutex, std::call_once, sem_* calls). Calls from
// shared libraries (libdw's own rwlocks, behind the lab's symbolizer) are not modelled.
bool CalledFromExecutable(const void* pc);

// The time left until `abstime` on `clock`, never negative, in nanoseconds.
long long NanosUntil(clockid_t clock, const timespec* abstime);

}  // namespace lab::internal::stdcxx
