// static_guard.cc — a function-local static's one-time initialisation as a happens-before
// edge: __cxa_guard_release -> every later use of the static.
//
// GCC compiles `static T s = ...;` into a check of the guard byte (with -fsanitize=thread,
// an acquire load that reaches the lab as __tsan_atomic8_load, tsan_atomics.cc) and, when
// it is not set, __cxa_guard_acquire / the constructor / __cxa_guard_release in
// libstdc++.so, whose release store the lab does not see. Without an edge, a thread that
// finds the static initialised would race with the constructor's writes: a false finding
// on correct code (a Meyers singleton). The release is therefore published into the guard
// byte's lab atomic (so the inline check acquires it), and a caller that waited in
// __cxa_guard_acquire for another thread's initialisation acquires it on return. Only
// guards the student's instrumented code has checked have a lab object (FindObject);
// the lab's own statics are left alone. A contended guard waits in futex() (futex.cc).
#include <dlfcn.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "object_map.h"
#include "runtime.h"
#include "sites.h"

namespace lab::internal::stdcxx {
namespace {

using GuardAcquire = int (*)(std::int64_t*);
using GuardRelease = void (*)(std::int64_t*);
GuardAcquire g_real_acquire = nullptr;
GuardRelease g_real_release = nullptr;

__attribute__((constructor)) void FindRealGuards() {
  g_real_acquire = reinterpret_cast<GuardAcquire>(dlsym(RTLD_NEXT, "__cxa_guard_acquire"));
  g_real_release = reinterpret_cast<GuardRelease>(dlsym(RTLD_NEXT, "__cxa_guard_release"));
  if (g_real_acquire == nullptr || g_real_release == nullptr) {
    std::fprintf(stderr, "lab: std:: dialect: no __cxa_guard_acquire/release in libstdc++\n");
    std::abort();
  }
  // The object map's own static is initialised now, while there is one thread: the hooks
  // below look guards up there, and must never meet that static half-initialised (its
  // guard's release would come back here and wait for itself).
  FindObject(&g_real_acquire);
}

// The guard's lab atomic, when the student's code checked it and the call is not the lab's.
ObjectState* StudentGuard(std::int64_t* g) {
  ThreadState* self = tls_self;
  if (self == nullptr || tls_raw_calls > 0 || InLabNow()) return nullptr;
  ObjectState* s = FindObject(g);
  if (s == nullptr) return nullptr;
  Enter(self, s);
  return s;
}

}  // namespace
}  // namespace lab::internal::stdcxx

using namespace lab::internal;
using namespace lab::internal::stdcxx;

extern "C" int __cxa_guard_acquire(std::int64_t* g) {
  if (g_real_acquire == nullptr) FindRealGuards();
  const int r = g_real_acquire(g);
  if (r == 0) {
    if (ObjectState* s = StudentGuard(g)) {
      RtGuard rt;
      Acquire(tls_self, s);
    }
  }
  return r;
}

extern "C" void __cxa_guard_release(std::int64_t* g) noexcept {
  if (g_real_release == nullptr) FindRealGuards();
  ObjectState* s = StudentGuard(g);
  if (s == nullptr) return g_real_release(g);
  // Published before the guard byte is set, under the runtime lock that the inline check's
  // atomic load takes (free runs), so no thread sees the byte without the edge. The real
  // release's wake-up of waiters is then the lab's own call (raw), or in a controlled run
  // the futex model's.
  RtGuard rt;
  Release(tls_self, s);
  g_real_release(g);
}
