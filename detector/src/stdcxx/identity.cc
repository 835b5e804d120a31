// identity.cc — pthread_self() and std::this_thread::get_id() per lab thread.
//
// get_id() is inline in libstdc++'s header and calls pthread_self() from the student's
// code (libstdc++.so's own calls, e.g. in std::thread::join, go through its PLT): both
// reach this definition. The fibers of a controlled run share one OS thread, so libc's
// answer would be the same for every lab thread; and pthread_create (pthread_threads.cc)
// hands out a handle made from the lab thread's index in its run (thread_registry.h). A lab
// thread therefore answers with that same handle, in every run and its replay, so `t.get_id() == std::this_thread::get_id()` holds
// inside t and the ids of two threads differ. Threads without a thread object (a
// controlled run's main, an OS thread of the program) and the lab's own code (InLab,
// RawCalls) get libc's answer, so the lab's pthread_getattr_np(pthread_self()) keeps
// working; glibc itself reads its thread pointer directly, never through this symbol.
// pthread_equal compares the values, so it needs nothing.
#include <dlfcn.h>
#include <pthread.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "real_calls.h"
#include "runtime.h"
#include "sites.h"
#include "thread_registry.h"

namespace lab::internal::stdcxx {
namespace {

using PthreadSelf = pthread_t (*)();

PthreadSelf RealSelf() {
  static const PthreadSelf f = [] {
    void* p = dlsym(RTLD_NEXT, "pthread_self");
    if (p == nullptr) {
      std::fprintf(stderr, "lab: std:: dialect: libc has no pthread_self\n");
      std::abort();
    }
    return reinterpret_cast<PthreadSelf>(p);
  }();
  return f;
}

}  // namespace
}  // namespace lab::internal::stdcxx

using namespace lab::internal;
using namespace lab::internal::stdcxx;

extern "C" pthread_t pthread_self() {
  ThreadState* self = tls_self;
  if (self == nullptr || self->thread_obj == nullptr || tls_raw_calls > 0 || InLabNow()) {
    return RealSelf()();
  }
  // The handle pthread_create returned for this thread (thread_registry.h).
  return HandleOf(self);
}
