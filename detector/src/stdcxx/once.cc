// once.cc — pthread_once (std::call_once, which libstdc++ 12 runs through
// __gthread_once -> pthread_once) as a lab operation.
//
// The first caller runs the function; every other caller blocks (a non-owned wait: a
// `stall` if the function never returns) until it has returned; the function's end
// happens before every later return from pthread_once on that flag. If the function
// throws (std::call_once's exceptional call), the flag stays unset, the exception goes on
// to the caller, and one waiting caller takes its turn, as the standard says; the thrown
// call's end happens before the start of the next call that runs ("completion of an
// active execution synchronizes with the start of the next one"), so what the function
// wrote before it threw is no race for the one that runs it again. The state
// lives in the flag's lab object (is_set = done, count = running), which each
// run of a controlled exploration starts afresh, so every schedule runs the function once.
//
// std::call_once hands its callable to __once_proxy through libstdc++'s *OS-thread*
// TLS (std::__once_callable / __once_call); in a controlled run, fibers share one OS
// thread, so another fiber's call_once may overwrite them at a scheduling point. The
// caller's values are saved on entry and put back just before the function runs.
#include <pthread.h>

#include <cstdint>
#include <mutex>
#include <string>

#include "controlled_scheduler.h"
#include "no_throw.h"
#include "object_map.h"
#include "once_tls.h"
#include "real_calls.h"
#include "runtime.h"
#include "sites.h"
#include "std_tls.h"
#include "sync_real.h"

namespace lab::internal::stdcxx {
namespace {

// The flag's object: an Event's state under a name that says what waits there
// ("std::call_once on 'init_flag'"), as the futex waits are named (ObjKind::kFutex).
ObjectState* OnceObject(pthread_once_t* once, std::uintptr_t pc) {
  ObjectState* s = ObjectAt(once, ObjKind::kFutex, pc);
  if (s->given_name.rfind("std::call_once", 0) != 0) {
    const char* var = GlobalName(once);
    RtGuard g;
    s->given_name = *var != 0 ? std::string("std::call_once on '") + var + "'" : "std::call_once";
    s->cached_name.clear();
  }
  return s;
}

// The flag's word says whether this flag ran, not only the lab object at its address: a
// flag is often heap memory (std::promise's shared state holds one for set_value), and a
// new flag at a freed one's address starts at PTHREAD_ONCE_INIT (0) while the lab object
// the address keeps still says done: "std::future_error: Promise already satisfied" on a
// correct program. So a finished call marks the word done (glibc's own value), and a word
// back at 0 with a done object is a new flag.
constexpr pthread_once_t kOnceDone = 2;

// Claims the flag (true: the caller runs the function) or waits until it is done
// (false). Runs as one lab operation.
bool ClaimOrWait(ObjectState* s, pthread_once_t* once, const Loc& loc) {
  ThreadState* self = Self();
  Enter(self, s);
  const SiteRef site = Fix(self, loc);
  Point(self, OpCode::kEventWait, s, site);
  RtGuard g;
  if (s->is_set && s->count == 0 && __atomic_load_n(once, __ATOMIC_RELAXED) != kOnceDone) {
    s->is_set = false;  // a new flag at a reused address
  }
  while (true) {
    if (s->is_set) {
      Acquire(self, s);
      return false;
    }
    if (s->count == 0) {
      s->count = 1;  // running
      Acquire(self, s);  // the end of any call that threw before
      return true;
    }
    s->waiters.push_back(self);
    BlockOn(self, s, WaitKind::kEvent, site, g, std::nullopt);
  }
}

// The function returned (done) or threw (not done: a waiter takes its turn).
void Finish(ObjectState* s, pthread_once_t* once, bool done) {
  ThreadState* self = Self();
  RtGuard g;
  s->count = 0;
  if (done) {
    __atomic_store_n(once, kOnceDone, __ATOMIC_RELAXED);
    Release(self, s);
    s->is_set = true;
    WakeAll(s);
  } else {
    Release(self, s);
    WakeOne(s);
  }
}

}  // namespace

constinit LAB_STD_TLS std::uintptr_t tls_once_words[2] = {0, 0};

void FindOnceWords() {
  tls_once_words[0] = reinterpret_cast<std::uintptr_t>(&std::__once_callable);
  tls_once_words[1] = reinterpret_cast<std::uintptr_t>(&std::__once_call);
}

}  // namespace lab::internal::stdcxx

using namespace lab::internal;
using namespace lab::internal::stdcxx;

extern "C" int pthread_once(pthread_once_t* once, void (*fn)()) {
  if (!CalledFromExecutable(__builtin_return_address(0)) || IsRawCall(nullptr) || tls_self == nullptr) return SyncReal().once(once, fn);
  void* const callable = std::__once_callable;
  void (*const call)() = std::__once_call;
  const auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  ObjectState* s;
  bool run;
  {
    InLab in_lab;
    s = OnceObject(once, pc);
    run = NoThrow([&] { return ClaimOrWait(s, once, LocFor(pc)); });
  }
  if (!run) return 0;
  try {
    std::__once_callable = callable;
    std::__once_call = call;
    ProgramCallback callback;
    fn();  // the student's code: not inside the lab
  } catch (...) {
    ThreadState* self = PeekSelf();
    if (!(self->run->mode == RunMode::kControlled && self->run->sched->aborting())) {
      InLab in_lab;
      Finish(s, once, false);
    }
    throw;
  }
  InLab in_lab;
  Finish(s, once, true);
  return 0;
}
