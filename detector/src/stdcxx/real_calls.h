// real_calls.h — libc's own pthread functions, behind the std:: dialect's interposers.
//
// The interposers (pthread_sync.cc, pthread_threads.cc) define pthread_mutex_lock & co. in
// the executable, so every caller in the process reaches them first; what is not the
// student's (the lab's own locks, see runtime/raw_calls.h) goes on to these, found with
// dlsym(RTLD_NEXT) once. pthread_cond_* are looked up at GLIBC_2.3.2, the version
// libstdc++ binds to (the unversioned lookup finds the 2.2.5 compatibility ABI).
#pragma once

#include <pthread.h>
#include <time.h>

#include <cstdint>

#include "runtime.h"
#include "sites.h"

namespace lab::internal::stdcxx {

struct RealCalls {
  int (*mutex_lock)(pthread_mutex_t*);
  int (*mutex_trylock)(pthread_mutex_t*);
  int (*mutex_unlock)(pthread_mutex_t*);
  int (*mutex_timedlock)(pthread_mutex_t*, const timespec*);
  int (*mutex_clocklock)(pthread_mutex_t*, clockid_t, const timespec*);
  int (*mutex_destroy)(pthread_mutex_t*);
  int (*cond_wait)(pthread_cond_t*, pthread_mutex_t*);
  int (*cond_timedwait)(pthread_cond_t*, pthread_mutex_t*, const timespec*);
  int (*cond_clockwait)(pthread_cond_t*, pthread_mutex_t*, clockid_t, const timespec*);
  int (*cond_signal)(pthread_cond_t*);
  int (*cond_broadcast)(pthread_cond_t*);
  int (*cond_destroy)(pthread_cond_t*);
  int (*create)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
  int (*join)(pthread_t, void**);
  int (*detach)(pthread_t);
};

// Resolved on first use (thread-safe: every thread resolves the same pointers).
const RealCalls& Real();

// True when a call on `m` (null for calls without a mutex) is the lab's own: the runtime
// lock, any call while runtime/raw_calls.h's RawCalls is alive on this thread, or a call
// whose code is not the student's (sites.h StudentCall: the spec's std::mutex, the
// Recorder's, the runner's). `ret` is the interposer's return address: the default
// argument is evaluated in the interposer, so `IsRawCall(m)` passes it.
// Inline in every interposer (each asks it first): a call site judged before answers from
// the calling thread's call slots (sites.h) without a call. The runtime lock is tested
// only after a miss: a site in the student's line never locks it, and a site of the lab's
// is raw anyway.
inline const void* RtMutexHandle() {  // the runtime lock's pthread mutex
  static const void* const rt = RtMutex().native_handle();
  return rt;
}
bool IsRawCallSlow(const void* m, std::uintptr_t ret);
[[gnu::always_inline]] inline bool IsRawCall(const void* m,
                                             const void* ret = __builtin_return_address(0)) {
  if (tls_raw_calls > 0 || InLabNow()) return true;
  if (tls_resolving) return true;  // libdw's own locks, while an address is resolved
  const auto pc = reinterpret_cast<std::uintptr_t>(ret);
  if (const CallSlot* slot = FindCallSlot(pc)) [[likely]] return !slot->student;
  return IsRawCallSlow(m, pc);
}

// IsRawCall, InLab and LocFor of one interposed call in one pass, for the interposers met
// at every lock, unlock, wait and notify (pthread_sync.cc): the calling lab thread's
// shadow stack is looked up once (StackOf: InLabNow's answer, then the InLab depth it
// raises) and the call slot once (its Loc copied: a slot may move while the call runs).
// The same answers in the same order as IsRawCall, then InLab, then LocFor.
struct StudentCallEntry {
  ShadowStack* stack = nullptr;
  std::uintptr_t pc = 0;
  bool has_loc = false;
  Loc loc;
  // LocFor(pc): the slot's Loc when it had one, else the slow path's (the same answer).
  Loc Site() const { return has_loc ? loc : LocForSlow(pc); }
};
// False when the call is the lab's own (IsRawCall); otherwise `*e` is filled.
[[gnu::always_inline]] inline bool EnterStudentCall(const void* m, std::uintptr_t pc,
                                                    StudentCallEntry* e) {
  if (tls_raw_calls > 0) return false;
  ShadowStack* s = StackOf(tls_self);  // InLabNow: a stale stack is reset to depth 0
  if (s->in_lab > 0 || tls_resolving) return false;
  e->stack = s;
  e->pc = pc;
  if (const CallSlot* slot = FindCallSlot(pc)) [[likely]] {
    if (!slot->student) return false;
    e->has_loc = slot->has_loc;
    e->loc = slot->loc;
    return true;
  }
  // A call from a shared library (std::thread's constructor and join): its interposer's
  // frame (this function is inlined into it; liblab_std keeps frame pointers) locates the
  // library function's own return address (sites.h StudentLibCallFast).
  if (m == nullptr || m != RtMutexHandle()) {
    const auto* fp = static_cast<const std::uintptr_t*>(__builtin_frame_address(0));
    const std::uintptr_t cfa = fp[1] == pc ? reinterpret_cast<std::uintptr_t>(fp + 2) : 0;
    if (StudentLibCallFast(pc, cfa, &e->loc)) {
      e->has_loc = true;
      return true;
    }
  }
  return !IsRawCallSlow(m, pc);
}

}  // namespace lab::internal::stdcxx
