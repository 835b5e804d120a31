// tsan_atomics.cc — std::atomic under -fsanitize=thread: __tsan_atomic{8,16,32,64}_*.
//
// Each operation is a scheduling point in controlled runs (so a spin on std::atomic with
// yield makes progress), as a lab atomic is (hooks.h AtomicOp), and a synchronisation by
// its memory order (memory_order.h: relaxed adds no edge, release/acquire as C++ says,
// release sequences, fences). The operation itself is always done seq_cst: the execution
// stays sequentially consistent, only the race analysis follows the orders. It is done
// under the runtime lock in free runs, so the clock a read takes is the one of the write
// it reads.
// compare_exchange_weak may fail spuriously in controlled runs (a recorded scheduler choice,
// see Atomic below), so a CAS loop is fine and an `if` that assumes success is caught.
// An atomic of a standard facility's header code (sites.h StdFacility: the acquire CAS and
// the release of a std::counting_semaphore, a std::barrier's arrive) also keeps that
// facility's lab object (facility_objects.h): the semaphore's permits held per thread.
// Not yet: 128-bit atomics.
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "controlled_scheduler.h"
#include "facility_objects.h"
#include "memory_order.h"
#include "no_throw.h"
#include "object_map.h"
#include "runtime.h"
#include "sites.h"

namespace lab::internal::stdcxx {
namespace {

// What an operation is for the memory model (memory_order.h).
enum class Kind : std::uint8_t { kLoad, kStore, kRmw };

// Runs `op` (returns its result, sets `wrote`) as one lab atomic operation on `addr`: a
// load or store with order `mo`, or a read-modify-write whose read and write have order
// `mo` when it writes and whose read has `fail` when it does not (a failed
// compare-exchange). With `fail_spuriously` (compare_exchange_weak), a controlled run may
// instead let the operation fail without writing, as C++ allows (ControlledScheduler::
// ChooseSpuriousFailure): it is then a load with `fail`, and `fail_spuriously()` its result.
template <typename R, typename Op, typename Fail = std::nullptr_t>
R Atomic(const volatile void* addr, std::size_t size, Kind kind, int mo, int fail,
         std::uintptr_t pc, Op op, Fail fail_spuriously = nullptr) {
  const bool may_write = kind != Kind::kLoad;
  ThreadState* self = tls_self;
  SiteRef student_site;
  StdFacility facility = StdFacility::kNone;
  if (tls_raw_calls > 0 || self == nullptr || InLabNow() ||
      !StudentAccess(pc, &student_site, &facility)) {
    // Before the run knows this thread (static initialisation): nothing to order yet.
    // The spec's and the lab's atomics (sites.h StudentAccess) are plain atomics: no
    // scheduling point, no happens-before edge.
    bool wrote = false;
    return op(wrote);
  }
  InLab in_lab;
  // A spin lock's unlock releases (sites.h kSpAtomicUnlock), whatever order it was given.
  if (facility == StdFacility::kSpAtomicUnlock && kind != Kind::kLoad &&
      (mo == __ATOMIC_RELAXED || mo == __ATOMIC_CONSUME || mo == __ATOMIC_ACQUIRE)) {
    mo = __ATOMIC_ACQ_REL;
  }
  ObjectState* s = ObjectAt(const_cast<const void*>(addr), ObjKind::kAtomic, pc);
  if (s->kind != ObjKind::kAtomic) [[unlikely]] {  // a new atomic where a lock lived
    s = RenewObjectOfKind(const_cast<const void*>(addr), s, ObjKind::kAtomic, pc);
  }
  if (facility == StdFacility::kBarrierInternal && s->given_name.empty()) {
    RtGuard g;
    s->given_name = "std::barrier";
    s->cached_name.clear();
  }
  Enter(self, s);
  const SiteRef site = SiteRef::From(LocFor(pc));
  NoThrow([&] { Point(self, may_write ? OpCode::kAtomicRmw : OpCode::kAtomicLoad, s, site); });
  if (self->run->mode == RunMode::kControlled && self->run->sched->RecordsPlainAccesses()) {
    // DPOR: the word joins the step's footprint too, as a plain access would, so that a
    // futex wait on it (which reads the word: futex_ops.cc) depends on this operation
    // whichever object the wait's point names.
    self->run->sched->OnPlainAccess(reinterpret_cast<std::uintptr_t>(addr), size, may_write);
  }
  // After the scheduling point: in a controlled run no other thread runs before the
  // operation, so the value read here is the one it sees.
  ObjectState* fac = nullptr;
  std::int64_t sem_max = -1;
  if (facility != StdFacility::kNone && facility != StdFacility::kSemWait &&
      facility != StdFacility::kBarrierInternal && facility != StdFacility::kSpAtomicUnlock &&
      facility != StdFacility::kCondVarAny && facility != StdFacility::kSpCount &&
      facility != StdFacility::kFutureState) {
    const int before = facility == StdFacility::kBarrierArrive || facility == StdFacility::kLatch
                           ? 0
                           : __atomic_load_n(static_cast<const volatile int*>(addr),
                                             __ATOMIC_SEQ_CST);
    fac = NoThrow([&] { return FacilityObjectFor(self, facility, addr, pc, before); });
    // A semaphore's max() (its template argument), looked up before the runtime lock.
    if (facility == StdFacility::kSemRelease) sem_max = SemaphoreMaxAt(pc);
  }
  if constexpr (!std::is_same_v<Fail, std::nullptr_t>) {
    if (self->run->mode == RunMode::kControlled &&
        self->run->sched->ChooseSpuriousFailure(self, s, site)) {
      RtGuard g;
      AtomicRead(self, s, OrderOf(fail));
      return fail_spuriously();
    }
  }
  RtGuard g;
  bool wrote = false;
  R r = op(wrote);
  if (kind == Kind::kStore) {
    AtomicStore(self, s, OrderOf(mo));
  } else {
    AtomicRead(self, s, OrderOf(wrote || kind == Kind::kLoad ? mo : fail));
    if (wrote) AtomicRmwWrite(self, s, OrderOf(mo));
  }
  if (fac != nullptr) AfterFacilityAtomic(self, facility, fac, addr, wrote);
  if constexpr (std::is_integral_v<R>) {
    if (sem_max >= 0 && wrote) {  // a release's fetch_add: r is the count before it
      const int now = __atomic_load_n(static_cast<const volatile int*>(addr), __ATOMIC_SEQ_CST);
      NoThrow([&] { CheckSemaphoreRelease(self, fac, sem_max, static_cast<int>(r), now, site); });
    }
  }
  return r;
}

// std::atomic_thread_fence(mo): no scheduling point (it touches no shared location),
// the thread's fence clocks only. The spec's and the lab's fences order nothing.
void Fence(int mo, std::uintptr_t pc) {
  ThreadState* self = tls_self;
  SiteRef student_site;
  if (tls_raw_calls > 0 || self == nullptr || InLabNow() || !StudentAccess(pc, &student_site)) {
    return;
  }
  InLab in_lab;
  RtGuard g;
  AtomicFence(self, OrderOf(mo));
}

std::uintptr_t Ret(void* p) { return reinterpret_cast<std::uintptr_t>(p); }

}  // namespace
}  // namespace lab::internal::stdcxx

using namespace lab::internal::stdcxx;

#define LAB_PC Ret(__builtin_return_address(0))
// The operation itself is always seq_cst (the execution stays sequentially consistent);
// `mo` and `fmo` only decide its happens-before edges.
#define LAB_RMW(bits, T, name, builtin)                                                  \
  T __tsan_atomic##bits##_##name(volatile T* a, T v, int mo) {                           \
    return Atomic<T>(a, sizeof(T), Kind::kRmw, mo, mo, LAB_PC, [&](bool& w) {            \
      w = true;                                                                          \
      return builtin(a, v, __ATOMIC_SEQ_CST);                                            \
    });                                                                                  \
  }
#define LAB_ATOMICS(bits, T)                                                             \
  T __tsan_atomic##bits##_load(const volatile T* a, int mo) {                            \
    return Atomic<T>(a, sizeof(T), Kind::kLoad, mo, mo, LAB_PC,                          \
                     [&](bool&) { return __atomic_load_n(a, __ATOMIC_SEQ_CST); });       \
  }                                                                                      \
  void __tsan_atomic##bits##_store(volatile T* a, T v, int mo) {                         \
    Atomic<int>(a, sizeof(T), Kind::kStore, mo, mo, LAB_PC, [&](bool& w) {               \
      w = true;                                                                          \
      __atomic_store_n(a, v, __ATOMIC_SEQ_CST);                                          \
      return 0;                                                                          \
    });                                                                                  \
  }                                                                                      \
  LAB_RMW(bits, T, exchange, __atomic_exchange_n)                                        \
  LAB_RMW(bits, T, fetch_add, __atomic_fetch_add)                                        \
  LAB_RMW(bits, T, fetch_sub, __atomic_fetch_sub)                                        \
  LAB_RMW(bits, T, fetch_and, __atomic_fetch_and)                                        \
  LAB_RMW(bits, T, fetch_or, __atomic_fetch_or)                                          \
  LAB_RMW(bits, T, fetch_xor, __atomic_fetch_xor)                                        \
  LAB_RMW(bits, T, fetch_nand, __atomic_fetch_nand)                                      \
  int __tsan_atomic##bits##_compare_exchange_strong(volatile T* a, T* expected, T desired, \
                                                    int mo, int fmo) {                   \
    return Atomic<int>(a, sizeof(T), Kind::kRmw, mo, fmo, LAB_PC, [&](bool& w) {         \
      w = __atomic_compare_exchange_n(a, expected, desired, false, __ATOMIC_SEQ_CST,     \
                                      __ATOMIC_SEQ_CST);                                 \
      return w ? 1 : 0;                                                                  \
    });                                                                                  \
  }                                                                                      \
  int __tsan_atomic##bits##_compare_exchange_weak(volatile T* a, T* expected, T desired, \
                                                  int mo, int fmo) {                     \
    return Atomic<int>(                                                                  \
        a, sizeof(T), Kind::kRmw, mo, fmo, LAB_PC,                                       \
        [&](bool& w) {                                                                   \
          w = __atomic_compare_exchange_n(a, expected, desired, false, __ATOMIC_SEQ_CST, \
                                          __ATOMIC_SEQ_CST);                             \
          return w ? 1 : 0;                                                              \
        },                                                                               \
        [&] {                                                                            \
          *expected = __atomic_load_n(a, __ATOMIC_SEQ_CST);                              \
          return 0;                                                                      \
        });                                                                              \
  }                                                                                      \
  T __tsan_atomic##bits##_compare_exchange_val(volatile T* a, T expected, T desired,     \
                                               int mo, int fmo) {                        \
    return Atomic<T>(a, sizeof(T), Kind::kRmw, mo, fmo, LAB_PC, [&](bool& w) {           \
      w = __atomic_compare_exchange_n(a, &expected, desired, false, __ATOMIC_SEQ_CST,    \
                                      __ATOMIC_SEQ_CST);                                 \
      return expected;                                                                   \
    });                                                                                  \
  }

extern "C" {
LAB_ATOMICS(8, std::uint8_t)
LAB_ATOMICS(16, std::uint16_t)
LAB_ATOMICS(32, std::uint32_t)
LAB_ATOMICS(64, std::uint64_t)

// A fence between threads: memory_order.h's fence rules (ThreadSanitizer itself does
// not model fences). A signal fence orders a thread with its own signal handler, which
// the lab does not run as another thread: nothing to do.
void __tsan_atomic_thread_fence(int mo) {
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  Fence(mo, LAB_PC);
}
void __tsan_atomic_signal_fence(int) {}
}
