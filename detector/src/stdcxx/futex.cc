// futex.cc — syscall(SYS_futex, ...) as the lab's futex wait queue (sync/futex_ops.h).
//
// libstdc++ 12 parks std::latch, std::barrier, std::counting_semaphore/binary_semaphore,
// std::atomic<T>::wait/notify and std::atomic_flag::wait in futex(2) from header code
// (bits/atomic_wait.h, bits/atomic_timed_wait.h, bits/semaphore_base.h), and
// std::promise/std::future, function-local statics (__cxa_guard_acquire) from inside
// libstdc++.so, always through syscall(), which libstdc++.so calls through its PLT: the
// executable's definition here interposes every one of them. FUTEX_WAIT / FUTEX_WAIT_BITSET
// and FUTEX_WAKE / FUTEX_WAKE_BITSET become lab operations on one queue per address;
// every other system call goes on to libc's syscall unchanged.
//
// Simplifications (documented in the README): every bitset is treated as "match any" (the
// only one libstdc++ uses); a wake also goes on to the kernel for the waiters the lab did
// not queue (the lab's own, raw waits). Another futex operation (FUTEX_LOCK_PI, REQUEUE,
// ...) is not modelled: it runs for real, and should it block, the hang report names it.
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdarg>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "futex_ops.h"
#include "spin.h"
#include "no_throw.h"
#include "object_map.h"
#include "runtime.h"
#include "sites.h"
#include "sync_real.h"
#include "time_model.h"
#include "wait_names.h"

namespace lab::internal::stdcxx {
namespace {

// The futex queue of each address (not object_map.h's map: the word of a std::latch or a
// semaphore is also a std::atomic there, a different lab object). Spin lock: see
// object_map.cc.
std::atomic<bool> g_busy{false};
std::unordered_map<const void*, ObjectState*>* g_queues;

ObjectState* QueueAt(const void* addr, std::uintptr_t pc) {
  auto find = [addr]() -> ObjectState* {
    SpinAcquire(g_busy);
    if (g_queues == nullptr) g_queues = new std::unordered_map<const void*, ObjectState*>;
    auto it = g_queues->find(addr);
    ObjectState* s = it == g_queues->end() ? nullptr : it->second;
    g_busy.store(false, std::memory_order_release);
    return s;
  };
  if (ObjectState* s = find()) return s;
  ObjectState* fresh = NewObject(ObjKind::kFutex, "a futex wait", LocFor(pc));
  SpinAcquire(g_busy);
  auto [it, inserted] = g_queues->emplace(addr, fresh);
  ObjectState* s = it->second;
  g_busy.store(false, std::memory_order_release);
  if (!inserted) DeleteObject(fresh, LocFor(pc));
  return s;
}

bool FromStaticGuard(std::uintptr_t pc);

// What a wait at this call stack is, for stall reports: "std::latch::wait on 'done'",
// or "a futex wait at x.cpp:12" when no standard function is found.
std::string WaitName(const void* addr, std::uintptr_t pc) {
  std::string name = FromStaticGuard(pc) ? "the initialisation of a function-local static"
                                          : WaitingFacility();
  if (name.empty()) {
    const SiteRef site = SiteFor(pc);
    name = site.known() ? "a futex wait at " + SiteText(site) : "a futex wait";
  }
  std::string var = GlobalName(addr);
  const std::string guard = "guard variable for ";
  const bool is_guard = var.rfind(guard, 0) == 0;
  if (is_guard) var.erase(0, guard.size());  // "UseGated()::g"
  if (!var.empty() && var.rfind("std::", 0) != 0) name += (is_guard ? " '" : " on '") + var + "'";
  return name;
}

// Names the queue after the facility of its latest waiter (one address is almost always
// one facility). Under the lab's single step in controlled runs, the runtime lock in free.
void NameQueue(ObjectState* q, const std::string& name) {
  RtGuard g;
  if (q->given_name != name) {
    q->given_name = name;
    q->cached_name.clear();
  }
}

std::optional<Nanos> Timeout(int cmd, int op, const timespec* ts) {
  if (ts == nullptr) return std::nullopt;
  if (cmd == FUTEX_WAIT) {  // relative
    const long long ns = ts->tv_sec * 1'000'000'000LL + ts->tv_nsec;
    return Nanos(ns > 0 ? ns : 0);
  }
  // FUTEX_WAIT_BITSET: absolute, on CLOCK_MONOTONIC unless FUTEX_CLOCK_REALTIME.
  const clockid_t clock = (op & FUTEX_CLOCK_REALTIME) != 0 ? CLOCK_REALTIME : CLOCK_MONOTONIC;
  return Nanos(NanosUntil(clock, ts));
}

const char* UnmodelledName(int cmd) {
  switch (cmd) {
    case FUTEX_FD: return "futex(FUTEX_FD)";
    case FUTEX_REQUEUE: return "futex(FUTEX_REQUEUE)";
    case FUTEX_CMP_REQUEUE: return "futex(FUTEX_CMP_REQUEUE)";
    case FUTEX_WAKE_OP: return "futex(FUTEX_WAKE_OP)";
    case FUTEX_LOCK_PI: return "futex(FUTEX_LOCK_PI)";
    case FUTEX_UNLOCK_PI: return "futex(FUTEX_UNLOCK_PI)";
    case FUTEX_TRYLOCK_PI: return "futex(FUTEX_TRYLOCK_PI)";
    case FUTEX_WAIT_REQUEUE_PI: return "futex(FUTEX_WAIT_REQUEUE_PI)";
    case FUTEX_CMP_REQUEUE_PI: return "futex(FUTEX_CMP_REQUEUE_PI)";
    default: return "futex() with an operation the lab does not model";
  }
}

// libstdc++.so's __cxa_guard_acquire/release (a contended function-local static) wait and
// wake in futex() too. In free runs they stay the kernel's: the lab's own statics on this
// very path (object maps, symbolizer) have guards, and a modelled guard wait would come
// back here and wait on its own guard. In controlled runs (one OS thread) they are
// modelled: a fiber that meets a static another fiber is initialising must let it run.
struct Range {
  std::uintptr_t lo = 0, hi = 0;
  bool Has(std::uintptr_t pc) const { return pc - lo < hi - lo; }
};
Range g_guard_acquire, g_guard_release;

Range FunctionRange(const char* name) {
  Range r;
  void* f = dlsym(RTLD_NEXT, name);  // libstdc++'s, not static_guard.cc's
  Dl_info info;
  const ElfW(Sym)* sym = nullptr;
  if (f != nullptr && dladdr1(f, &info, reinterpret_cast<void**>(const_cast<ElfW(Sym)**>(&sym)), RTLD_DL_SYMENT) != 0 &&
      sym != nullptr) {
    r.lo = reinterpret_cast<std::uintptr_t>(f);
    r.hi = r.lo + sym->st_size;
  }
  return r;
}

__attribute__((constructor)) void FindGuardFunctions() {
  g_guard_acquire = FunctionRange("__cxa_guard_acquire");
  g_guard_release = FunctionRange("__cxa_guard_release");
}

bool FromStaticGuard(std::uintptr_t pc) {
  return g_guard_acquire.Has(pc) || g_guard_release.Has(pc);
}

long Futex(long a[6], std::uintptr_t pc) {
  const auto* addr = reinterpret_cast<const volatile int*>(a[0]);
  const int op = static_cast<int>(a[1]);
  const int cmd = op & FUTEX_CMD_MASK;
  const int val = static_cast<int>(a[2]);
  const auto* ts = reinterpret_cast<const timespec*>(a[3]);
  const SyncRealCalls& real = SyncReal();
  InLab in_lab;
  if (cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET) {
    ObjectState* q = QueueAt(const_cast<const int*>(addr), pc);
    NameQueue(q, WaitName(const_cast<const int*>(addr), pc));
    ObjectState* word = FindObject(const_cast<const int*>(addr));
    const std::optional<Nanos> timeout = Timeout(cmd, op, ts);
    // libstdc++ 12's semaphore acquire waits for the count it read before its spin
    // (bits/atomic_wait.h, __atomic_wait_address_bare), not for the count its last try
    // saw. If the count went 1 -> 0 (another thread's acquire) and back to 1 (a release,
    // which wakes nobody: no thread is parked yet) before the futex call, the thread
    // parks with a permit available, and later releases (from a positive count) wake
    // nobody: it sleeps for ever. A known lost wake-up of libstdc++'s semaphore (reported
    // as GCC bug 98033); the lab found it in the four-seat dining philosophers. A correct
    // solution must not be graded on it: a semaphore's wait sleeps here only while the
    // count is 0, which is what the wait means (every release from 0 wakes the waiters).
    const int expected = WaitFacilityAt(pc) == StdFacility::kSemWait ? 0 : val;
    const int r = NoThrow([&] { return FutexWaitOp(q, word, addr, expected, timeout, LocFor(pc)); });
    if (r == 0) return 0;
    errno = r;
    return -1;
  }
  if (cmd == FUTEX_WAKE || cmd == FUTEX_WAKE_BITSET) {
    ObjectState* q = QueueAt(const_cast<const int*>(addr), pc);
    ObjectState* word = FindObject(const_cast<const int*>(addr));
    const int n = val < 0 ? 0 : val;
    const int woken = NoThrow([&] { return FutexWakeOp(q, word, n, LocFor(pc)); });
    long more = 0;
    if (woken < n) {
      // Waiters the lab did not queue (raw waits of the lab's own code) wait in the kernel.
      more = real.syscall(SYS_futex, a[0], op, static_cast<long>(n - woken), a[3], a[4], a[5]);
      if (more < 0) more = 0;
    }
    return woken + more;
  }
  // Not modelled: runs for real; the hang watchdog names it should it block.
  ThreadState* t = PeekSelf();
  if (t != nullptr) {
    const SiteRef site = SiteFor(pc);
    if (site.known()) t->last_site = site;  // the hang report's site
    t->outside_call.store(UnmodelledName(cmd));
  }
  const long r = real.syscall(SYS_futex, a[0], a[1], a[2], a[3], a[4], a[5]);
  if (t != nullptr) t->outside_call.store(nullptr);
  return r;
}

}  // namespace
}  // namespace lab::internal::stdcxx

using namespace lab::internal;
using namespace lab::internal::stdcxx;

extern "C" long syscall(long nr, ...) noexcept {
  // Every system call takes at most six word-sized arguments in registers; reading six is
  // what libc's syscall does too (the ones not passed are never used by the kernel).
  va_list ap;
  va_start(ap, nr);
  long a[6];
  for (long& x : a) x = va_arg(ap, long);
  va_end(ap);
  // A thread the lab has not met yet (the main thread of a free run that started no
  // thread) is registered by the operation itself (Self()), so a lone wait is a stall.
  // Not IsRawCall: its function-local static would be one more guard to wait on here.
  const auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  if ((nr == SYS_nanosleep || nr == SYS_clock_nanosleep) && tls_raw_calls == 0 && !InLabNow()) {
    long slept = 0;  // a raw sleep of the student's: virtual time (time_model.h)
    if (SleepSyscall(nr, a, pc, &slept)) {
      if (slept == 0) return 0;
      errno = static_cast<int>(-slept);
      return -1;
    }
  }
  if (nr != SYS_futex || tls_raw_calls > 0 || (tls_run == nullptr && FromStaticGuard(pc)) ||
      InLabNow()) {
    return SyncReal().syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
  }
  return Futex(a, pc);
}
