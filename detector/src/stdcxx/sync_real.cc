// sync_real.cc — see sync_real.h.
#include "sync_real.h"
#include "time_model.h"

#include <dlfcn.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace lab::internal::stdcxx {
namespace {

template <typename F>
F Find(const char* name, const char* version = nullptr) {
  void* p = version != nullptr ? dlvsym(RTLD_NEXT, name, version) : nullptr;
  if (p == nullptr) p = dlsym(RTLD_NEXT, name);
  if (p == nullptr) {
    std::fprintf(stderr, "lab: std:: dialect: libc has no %s\n", name);
    std::abort();
  }
  return reinterpret_cast<F>(p);
}

SyncRealCalls Resolve() {
  SyncRealCalls r{};
  r.syscall = Find<decltype(r.syscall)>("syscall");
  r.sched_yield = Find<decltype(r.sched_yield)>("sched_yield");
  // sem_*: the GLIBC_2.2.5 versions are the current ABI on x86-64 (sem_clockwait: 2.30).
  r.sem_init = Find<decltype(r.sem_init)>("sem_init", "GLIBC_2.2.5");
  r.sem_destroy = Find<decltype(r.sem_destroy)>("sem_destroy", "GLIBC_2.2.5");
  r.sem_wait = Find<decltype(r.sem_wait)>("sem_wait", "GLIBC_2.2.5");
  r.sem_trywait = Find<decltype(r.sem_trywait)>("sem_trywait", "GLIBC_2.2.5");
  r.sem_timedwait = Find<decltype(r.sem_timedwait)>("sem_timedwait", "GLIBC_2.2.5");
  r.sem_clockwait = Find<decltype(r.sem_clockwait)>("sem_clockwait");
  r.sem_post = Find<decltype(r.sem_post)>("sem_post", "GLIBC_2.2.5");
  r.sem_getvalue = Find<decltype(r.sem_getvalue)>("sem_getvalue", "GLIBC_2.2.5");
  r.once = Find<decltype(r.once)>("pthread_once");
  r.rw_init = Find<decltype(r.rw_init)>("pthread_rwlock_init");
  r.rw_destroy = Find<decltype(r.rw_destroy)>("pthread_rwlock_destroy");
  r.rw_rdlock = Find<decltype(r.rw_rdlock)>("pthread_rwlock_rdlock");
  r.rw_tryrdlock = Find<decltype(r.rw_tryrdlock)>("pthread_rwlock_tryrdlock");
  r.rw_timedrdlock = Find<decltype(r.rw_timedrdlock)>("pthread_rwlock_timedrdlock");
  r.rw_clockrdlock = Find<decltype(r.rw_clockrdlock)>("pthread_rwlock_clockrdlock");
  r.rw_wrlock = Find<decltype(r.rw_wrlock)>("pthread_rwlock_wrlock");
  r.rw_trywrlock = Find<decltype(r.rw_trywrlock)>("pthread_rwlock_trywrlock");
  r.rw_timedwrlock = Find<decltype(r.rw_timedwrlock)>("pthread_rwlock_timedwrlock");
  r.rw_clockwrlock = Find<decltype(r.rw_clockwrlock)>("pthread_rwlock_clockwrlock");
  r.rw_unlock = Find<decltype(r.rw_unlock)>("pthread_rwlock_unlock");
  r.barrier_init = Find<decltype(r.barrier_init)>("pthread_barrier_init");
  r.barrier_destroy = Find<decltype(r.barrier_destroy)>("pthread_barrier_destroy");
  r.barrier_wait = Find<decltype(r.barrier_wait)>("pthread_barrier_wait");
  r.spin_init = Find<decltype(r.spin_init)>("pthread_spin_init");
  r.spin_destroy = Find<decltype(r.spin_destroy)>("pthread_spin_destroy");
  r.spin_lock = Find<decltype(r.spin_lock)>("pthread_spin_lock");
  r.spin_trylock = Find<decltype(r.spin_trylock)>("pthread_spin_trylock");
  r.spin_unlock = Find<decltype(r.spin_unlock)>("pthread_spin_unlock");
  return r;
}

// Resolved at load time, while the process has one thread, and never through a
// function-local static: a contended static's guard waits in futex(), which comes back
// to the syscall interposer, which must not wait on a guard of its own.
SyncRealCalls g_real{};
std::atomic<bool> g_resolved{false};

__attribute__((constructor)) void ResolveAtLoad() {
  if (!g_resolved.load(std::memory_order_acquire)) {
    g_real = Resolve();
    g_resolved.store(true, std::memory_order_release);
  }
}

}  // namespace

const SyncRealCalls& SyncReal() {
  // Before the constructor ran (another constructor's call): still one thread.
  if (!g_resolved.load(std::memory_order_acquire)) ResolveAtLoad();
  return g_real;
}

extern "C" char __executable_start;  // the linker's bounds of the executable's code
extern "C" char etext;

bool CalledFromExecutable(const void* pc) {
  return pc >= static_cast<const void*>(&__executable_start) &&
         pc < static_cast<const void*>(&etext);
}

// In the run's time (time_model.h): a deadline the student computed from a virtual
// steady_clock::now() is measured against the same clock (against the real one, a timed
// semaphore or future wait timed out at once and its retry loop never ended).
long long NanosUntil(clockid_t clock, const timespec* abstime) {
  return static_cast<long long>(RemainingUntil(clock, abstime).count());
}

}  // namespace lab::internal::stdcxx
