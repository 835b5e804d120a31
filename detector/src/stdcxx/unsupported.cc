// unsupported.cc — standard facilities a controlled run cannot run faithfully, refused by
// name (issue #11 item 9: a facility the lab does not model gets a message naming it,
// never a silent hang or a wrong verdict):
//
// - C11 <threads.h> (thrd_create, mtx_init, cnd_init, tss_create, call_once): glibc 2.36
//   implements them over its *internal* pthread functions, which no interposer sees, so a
//   mtx_t guarded nothing in the lab's eyes (a correct program got a data-race) and a
//   cnd_wait or thrd_join blocked in a futex outside the lab (a hang that blamed a
//   std::mutex).
// - pthread_cancel: a lab thread of a controlled run is a fiber; glibc's cancellation
//   signals an OS thread, and the program died of SIGSEGV.
// - pthread_getspecific / pthread_setspecific while the run has more than one thread: the
//   value belongs to the OS thread, which every fiber of the run shares, so two threads
//   saw one "per-thread" slot (a correct program got a data-race on what it points to), as
//   for thread_local (thread_local_guard.h).
//
// Each is a `crash` finding that names the call, the thread and the student's line; the
// schedule ends there. Only the executable's calls in a controlled run are refused; free
// runs (real threads) and the libraries' own calls get libc's function.
#include <dlfcn.h>
#include <pthread.h>
#include <threads.h>

#include <cstdint>
#include <string>

#include "controlled_scheduler.h"
#include "real_calls.h"
#include "runtime.h"
#include "sites.h"
#include "sync_real.h"

namespace lab::internal::stdcxx {
namespace {

// The lab thread of a controlled run whose call at `ret` must be refused, or null.
ThreadState* RefusingThread(void* ret) {
  ThreadState* self = PeekSelf();
  if (self == nullptr || self->run == nullptr || self->run->mode != RunMode::kControlled ||
      tls_raw_calls > 0 || InLabNow() || !CalledFromExecutable(ret)) {
    return nullptr;
  }
  if (self->run->sched->aborting()) return nullptr;
  return self;
}

// Ends the schedule with a `crash` naming `call` at the student's line `pc`.
[[noreturn]] void Refuse(ThreadState* self, std::uintptr_t pc, const std::string& call,
                         const std::string& why) {
  Finding f;
  {
    InLab in_lab;
    const SiteRef site = SiteFor(pc);
    f.kind = FindingKind::kCrash;
    f.message = call + " is not supported by the lab: thread '" + self->name + "' calls it at " +
                SiteText(site) + ". " + why +
                "; the run was stopped instead of judging a program it cannot run faithfully";
    f.threads = {self->name};
    f.objects = {call};
    f.sites = {ToSource(site)};
    f.steps = {{self->name, "calls " + call, "", ToSource(site), {}}};
  }
  FatalFinding(self, std::move(f), nullptr);
  __builtin_unreachable();
}

// libc's definition of `name` (the next one after the executable's).
template <typename Fn>
Fn Next(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

constexpr const char kC11Why[] =
    "C11 <threads.h> runs on glibc's internal pthread functions, which the lab does not "
    "see: its mutexes would order nothing and its waits would block outside the lab. Use "
    "std::thread, std::mutex and std::condition_variable (or pthread_*), which the lab "
    "models";

constexpr const char kSpecificWhy[] =
    "A controlled run's threads share one OS thread, so a pthread_key_t's per-thread value "
    "would be one value for all of them. Keep per-thread state in a local variable or pass "
    "it to the thread";

std::uintptr_t Pc(void* ret) { return reinterpret_cast<std::uintptr_t>(ret); }

}  // namespace
}  // namespace lab::internal::stdcxx

using namespace lab::internal;
using namespace lab::internal::stdcxx;

extern "C" {

int thrd_create(thrd_t* thr, thrd_start_t func, void* arg) {
  void* const ret = __builtin_return_address(0);
  if (ThreadState* self = RefusingThread(ret)) Refuse(self, Pc(ret), "thrd_create", kC11Why);
  static const auto real = Next<int (*)(thrd_t*, thrd_start_t, void*)>("thrd_create");
  return real(thr, func, arg);
}

int mtx_init(mtx_t* m, int type) {
  void* const ret = __builtin_return_address(0);
  if (ThreadState* self = RefusingThread(ret)) Refuse(self, Pc(ret), "mtx_init", kC11Why);
  static const auto real = Next<int (*)(mtx_t*, int)>("mtx_init");
  return real(m, type);
}

int cnd_init(cnd_t* c) {
  void* const ret = __builtin_return_address(0);
  if (ThreadState* self = RefusingThread(ret)) Refuse(self, Pc(ret), "cnd_init", kC11Why);
  static const auto real = Next<int (*)(cnd_t*)>("cnd_init");
  return real(c);
}

int tss_create(tss_t* key, tss_dtor_t dtor) {
  void* const ret = __builtin_return_address(0);
  if (ThreadState* self = RefusingThread(ret)) Refuse(self, Pc(ret), "tss_create", kC11Why);
  static const auto real = Next<int (*)(tss_t*, tss_dtor_t)>("tss_create");
  return real(key, dtor);
}

void call_once(once_flag* flag, void (*fn)(void)) {
  void* const ret = __builtin_return_address(0);
  if (ThreadState* self = RefusingThread(ret)) Refuse(self, Pc(ret), "call_once (C11)", kC11Why);
  static const auto real = Next<void (*)(once_flag*, void (*)(void))>("call_once");
  real(flag, fn);
}

int pthread_cancel(pthread_t thread) {
  void* const ret = __builtin_return_address(0);
  if (ThreadState* self = RefusingThread(ret)) {
    Refuse(self, Pc(ret), "pthread_cancel",
           "A controlled run's threads are not OS threads that a cancellation request can "
           "reach. Ask the thread to stop with a flag (a std::atomic<bool>, or "
           "std::jthread's request_stop) that it checks");
  }
  static const auto real = Next<int (*)(pthread_t)>("pthread_cancel");
  return real(thread);
}

void* pthread_getspecific(pthread_key_t key) {
  void* const ret = __builtin_return_address(0);
  if (ThreadState* self = RefusingThread(ret); self != nullptr && self->run->threads.size() > 1) {
    Refuse(self, Pc(ret), "pthread_getspecific", kSpecificWhy);
  }
  static const auto real = Next<void* (*)(pthread_key_t)>("pthread_getspecific");
  return real(key);
}

int pthread_setspecific(pthread_key_t key, const void* value) {
  void* const ret = __builtin_return_address(0);
  if (ThreadState* self = RefusingThread(ret); self != nullptr && self->run->threads.size() > 1) {
    Refuse(self, Pc(ret), "pthread_setspecific", kSpecificWhy);
  }
  static const auto real = Next<int (*)(pthread_key_t, const void*)>("pthread_setspecific");
  return real(key, value);
}

}  // extern "C"
