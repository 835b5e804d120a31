// real_calls.cc — see real_calls.h.
#include "real_calls.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

#include "raw_calls.h"
#include "runtime.h"
#include "sites.h"

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

RealCalls Resolve() {
  RealCalls r{};
  r.mutex_lock = Find<decltype(r.mutex_lock)>("pthread_mutex_lock");
  r.mutex_trylock = Find<decltype(r.mutex_trylock)>("pthread_mutex_trylock");
  r.mutex_unlock = Find<decltype(r.mutex_unlock)>("pthread_mutex_unlock");
  r.mutex_timedlock = Find<decltype(r.mutex_timedlock)>("pthread_mutex_timedlock");
  r.mutex_clocklock = Find<decltype(r.mutex_clocklock)>("pthread_mutex_clocklock");
  r.mutex_destroy = Find<decltype(r.mutex_destroy)>("pthread_mutex_destroy");
  r.cond_wait = Find<decltype(r.cond_wait)>("pthread_cond_wait", "GLIBC_2.3.2");
  r.cond_timedwait = Find<decltype(r.cond_timedwait)>("pthread_cond_timedwait", "GLIBC_2.3.2");
  r.cond_clockwait = Find<decltype(r.cond_clockwait)>("pthread_cond_clockwait");
  r.cond_signal = Find<decltype(r.cond_signal)>("pthread_cond_signal", "GLIBC_2.3.2");
  r.cond_broadcast = Find<decltype(r.cond_broadcast)>("pthread_cond_broadcast", "GLIBC_2.3.2");
  r.cond_destroy = Find<decltype(r.cond_destroy)>("pthread_cond_destroy", "GLIBC_2.3.2");
  r.create = Find<decltype(r.create)>("pthread_create");
  r.join = Find<decltype(r.join)>("pthread_join");
  r.detach = Find<decltype(r.detach)>("pthread_detach");
  return r;
}

}  // namespace

const RealCalls& Real() {
  static const RealCalls r = Resolve();
  return r;
}

bool IsRawCallSlow(const void* m, std::uintptr_t ret) {
  if (m != nullptr && m == RtMutexHandle()) return true;
  return !StudentCallSlow(ret);
}

}  // namespace lab::internal::stdcxx
