// facility_objects.h — lab objects for the standard facilities whose implementation is
// header code made of atomics (libstdc++ 12's std::counting_semaphore and std::barrier):
// the lab sees their atomics (tsan_atomics.cc) and their futex waits (futex.cc), not the
// facility. An atomic at an address sites.h classifies (StdFacility) also stands for:
// - a std::counting_semaphore / binary_semaphore: a Semaphore the lock-order analysis
//   knows, with per-thread held permits as lab::Semaphore keeps them (a successful acquire
//   CAS adds a permit to the thread's sem_held, a release by that thread drops one), so
//   permits held across every edge of a cycle gate it exactly as for lab::Semaphore and
//   sem_t (DESIGN §4). Its permits (`initial`) are the count the run first saw at the
//   address: the value before the first operation of each run, which is the value the
//   semaphore was constructed with (the constructor's store is a plain one, seen by no
//   atomic). Nothing else changes: the semaphore's scheduling points, happens-before
//   edges and waits stay those of its atomics and its futex.
// - a std::barrier: an object of kind Barrier ("std::barrier") created the first time a
//   barrier's arrive() is seen, so LAB_FORBID(lab::Barrier) sees a std::barrier too;
// - a std::latch: likewise an object of kind Barrier ("std::latch"), from the first atomic
//   of one of its members on its counter.
// Objects are kept per address for the process (like futex queues); the permits are
// learnt again in every run, and a semaphore constructed again at an address within a run
// (its count changed by a plain store, not by an operation) is a new object.
#pragma once

#include <cstdint>

#include "runtime.h"
#include "sites.h"

namespace lab::internal::stdcxx {

// Before a classified atomic runs (no runtime lock held; `value_before` is the word's value
// now). Returns the facility's object, made current for `self`'s run, or null (kNone).
ObjectState* FacilityObjectFor(ThreadState* self, StdFacility facility, const volatile void* addr,
                               std::uintptr_t pc, int value_before);
// After the atomic on `addr` ran, under the runtime lock: `wrote` is whether it changed the
// word (a successful CAS). Keeps `self`'s held permits, and a semaphore's count as the lab
// left it: a count found changed at the next operation was stored by a constructor (a new
// semaphore at the address: a new object, see FacilityObjectFor).
void AfterFacilityAtomic(ThreadState* self, StdFacility facility, ObjectState* s,
                         const volatile void* addr, bool wrote);

// After a release of a std::counting_semaphore (kSemRelease that wrote), under the runtime
// lock: `old` and `now` are its count before and after, `max` its max() (sites.h
// SemaphoreMaxAt; -1 when unknown: nothing is checked). A count above max() is undefined
// behaviour in C++ ("release: Preconditions: update >= 0 and update <= max() - counter"):
// a `semaphore-over-release` finding at `site`. The release itself stands (the schedule goes
// on as the program would).
void CheckSemaphoreRelease(ThreadState* self, ObjectState* s, std::int64_t max, int old,
                           int now, SiteRef site);

}  // namespace lab::internal::stdcxx
