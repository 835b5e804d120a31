// tsan_atomics.cc — std::atomic under -fsanitize=thread: __tsan_atomic{8,16,32,64}_*.
//
// Each operation is a lab atomic (hooks.h AtomicOp's semantics): a scheduling point in
// controlled runs (so a spin on std::atomic with yield makes progress) and a
// synchronisation: a read acquires the location's clock, a write also releases into it.
// Every memory order is treated as seq_cst (acq_rel for the clocks), as for lab::Atomic:
// a relaxed counter may hide a race that real hardware would show (a missed finding, never
// a false one). The memory operation itself is done under the runtime lock in free runs,
// so the clock a read acquires is the one of the write it reads.
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
#include "no_throw.h"
#include "object_map.h"
#include "runtime.h"
#include "sites.h"

namespace lab::internal::stdcxx {
namespace {

// Runs `op` (returns {result, wrote}) as one lab atomic operation on `addr`. With
// `fail_spuriously` (compare_exchange_weak), a controlled run may instead let the
// operation fail without writing, as C++ allows (ControlledScheduler::
// ChooseSpuriousFailure): it is then a load, and `fail_spuriously()` its result.
template <typename R, typename Op, typename Fail = std::nullptr_t>
R Atomic(const volatile void* addr, std::size_t size, bool may_write, std::uintptr_t pc, Op op,
         Fail fail_spuriously = nullptr) {
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
  ObjectState* s = ObjectAt(const_cast<const void*>(addr), ObjKind::kAtomic, pc);
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
  if (facility != StdFacility::kNone && facility != StdFacility::kSemWait &&
      facility != StdFacility::kBarrierInternal) {
    const int before = facility == StdFacility::kBarrierArrive || facility == StdFacility::kLatch
                           ? 0
                           : __atomic_load_n(static_cast<const volatile int*>(addr),
                                             __ATOMIC_SEQ_CST);
    fac = NoThrow([&] { return FacilityObjectFor(self, facility, addr, pc, before); });
  }
  if constexpr (!std::is_same_v<Fail, std::nullptr_t>) {
    if (self->run->mode == RunMode::kControlled &&
        self->run->sched->ChooseSpuriousFailure(self, s, site)) {
      RtGuard g;
      Acquire(self, s);
      return fail_spuriously();
    }
  }
  RtGuard g;
  Acquire(self, s);
  bool wrote = false;
  R r = op(wrote);
  if (wrote) Release(self, s);
  if (fac != nullptr) AfterFacilityAtomic(self, facility, fac, wrote);
  return r;
}

std::uintptr_t Ret(void* p) { return reinterpret_cast<std::uintptr_t>(p); }

}  // namespace
}  // namespace lab::internal::stdcxx

using namespace lab::internal::stdcxx;

#define LAB_PC Ret(__builtin_return_address(0))
#define LAB_RMW(bits, T, name, builtin)                                                    \
  T __tsan_atomic##bits##_##name(volatile T* a, T v, int) {                              \
    return Atomic<T>(a, sizeof(T), true, LAB_PC, [&](bool& w) {                                      \
      w = true;                                                                          \
      return builtin(a, v, __ATOMIC_SEQ_CST);                                            \
    });                                                                                  \
  }
#define LAB_ATOMICS(bits, T)                                                               \
  T __tsan_atomic##bits##_load(const volatile T* a, int) {                               \
    return Atomic<T>(a, sizeof(T), false, LAB_PC, [&](bool&) { return __atomic_load_n(a, __ATOMIC_SEQ_CST); }); \
  }                                                                                      \
  void __tsan_atomic##bits##_store(volatile T* a, T v, int) {                            \
    Atomic<int>(a, sizeof(T), true, LAB_PC, [&](bool& w) {                                           \
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
                                                    int, int) {                          \
    return Atomic<int>(a, sizeof(T), true, LAB_PC, [&](bool& w) {                                    \
      w = __atomic_compare_exchange_n(a, expected, desired, false, __ATOMIC_SEQ_CST,       \
                                      __ATOMIC_SEQ_CST);                                 \
      return w ? 1 : 0;                                                                  \
    });                                                                                  \
  }                                                                                      \
  int __tsan_atomic##bits##_compare_exchange_weak(volatile T* a, T* expected, T desired,   \
                                                  int, int) {                            \
    return Atomic<int>(                                                                  \
        a, sizeof(T), true, LAB_PC,                                                                 \
        [&](bool& w) {                                                                   \
          w = __atomic_compare_exchange_n(a, expected, desired, false, __ATOMIC_SEQ_CST,   \
                                          __ATOMIC_SEQ_CST);                             \
          return w ? 1 : 0;                                                              \
        },                                                                               \
        [&] {                                                                            \
          *expected = __atomic_load_n(a, __ATOMIC_SEQ_CST);                              \
          return 0;                                                                      \
        });                                                                              \
  }                                                                                      \
  T __tsan_atomic##bits##_compare_exchange_val(volatile T* a, T expected, T desired, int,  \
                                               int) {                                    \
    return Atomic<T>(a, sizeof(T), true, LAB_PC, [&](bool& w) {                                      \
      w = __atomic_compare_exchange_n(a, &expected, desired, false, __ATOMIC_SEQ_CST,      \
                                      __ATOMIC_SEQ_CST);                                 \
      return expected;                                                                   \
    });                                                                                  \
  }

extern "C" {
LAB_ATOMICS(8, std::uint8_t)
LAB_ATOMICS(16, std::uint16_t)
LAB_ATOMICS(32, std::uint32_t)
LAB_ATOMICS(64, std::uint64_t)

// Fences order nothing the lab's clocks do not already order (every atomic is seq_cst).
void __tsan_atomic_thread_fence(int) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
void __tsan_atomic_signal_fence(int) {}
}
