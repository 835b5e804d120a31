// object_map.h — the lab object behind a std:: or pthread object, keyed by its address.
//
// A std::mutex or std::atomic has no constructor call the lab sees (constant
// initialisation), so its lab object (runtime ObjectState) is created on first use: its
// name is the global's symbol ("m", "forks+40") or else its first use site, as for an
// unnamed lab object. The object lives until the address is destroyed explicitly
// (pthread_cond_destroy, pthread_mutex_destroy: std::condition_variable's destructor) and
// otherwise for the process; the runtime brings its dynamic state into each new run
// (Touch), so a stack address reused by the next schedule starts clean.
// Simplification (documented in the README): within one run, a std::mutex destroyed
// without a destroy call and another created at the same address share the lab object.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "lab/internal/hooks.h"
#include "runtime.h"

namespace lab::internal::stdcxx {

// The object at `addr`, created with `kind` at `decl` on first use. A later use with
// another kind keeps the first (the address is one object). `std_type` is the standard
// type the messages name ("std::timed_mutex", "sem_t"; runtime.h ObjectState::std_type, a
// static string); null: the usual one for `kind` (StdTypeOf).
ObjectState* ObjectAtSlow(const void* addr, ObjKind kind, std::uintptr_t pc,
                          const char* std_type);
inline ObjectState* ObjectAt(const void* addr, ObjKind kind, std::uintptr_t pc,
                             const char* std_type = nullptr);
// The standard type a lab object of `kind` stands for by default: "std::mutex" for kMutex.
const char* StdTypeOf(ObjKind kind);
// `s` was locked with a deadline (pthread_mutex_timedlock/clocklock, the rwlock timed
// calls): glibc's std::timed_mutex is a plain pthread mutex, so only these calls tell it
// from a std::mutex. Names it std::timed_mutex (std::recursive_timed_mutex,
// std::shared_timed_mutex) from then on; a message printed before its first timed call
// still says std::mutex.
void NoteTimedUse(ObjectState* s);
// The object at `addr` if there is one.
inline ObjectState* FindObject(const void* addr);

// FindObject's per-OS-thread front (a std::mutex is met at every lock and unlock): an
// entry is valid while no address has been forgotten or rebound since it was filled
// (g_object_version, bumped by ForgetObject and BindObject: a condition variable's
// destructor does it once per schedule). Creation adds entries and changes none.
struct ObjectFrontSlot {
  const void* addr = nullptr;
  ObjectState* s = nullptr;
  std::uint64_t version = 0;
};
inline constexpr std::size_t kObjectFrontSlots = 64;
extern std::atomic<std::uint64_t> g_object_version;
extern constinit LAB_TLS ObjectFrontSlot tls_object_front[kObjectFrontSlots];
inline ObjectFrontSlot& ObjectFrontOf(const void* addr) {
  return tls_object_front[(reinterpret_cast<std::uintptr_t>(addr) >> 3) % kObjectFrontSlots];
}
ObjectState* FindObjectSlow(const void* addr);
inline ObjectState* FindObject(const void* addr) {
  const ObjectFrontSlot& front = ObjectFrontOf(addr);
  if (front.addr == addr &&
      front.version == g_object_version.load(std::memory_order_acquire)) [[likely]] {
    return front.s;
  }
  return FindObjectSlow(addr);
}

// An unnamed object met again in a new schedule of a controlled run is named by its first
// use in this schedule, not in the first schedule that met the address: a replay runs only
// the failing schedule and must print the same names. (One OS thread runs a controlled
// run, so nothing else reads decl meanwhile.)
void RenameForRun(ObjectState* s, std::uintptr_t pc);
inline void ObjectMetAgain(ObjectState* s, std::uintptr_t pc) {
  const Run* run = tls_run;
  if (run != nullptr && s->gen != run->gen) [[unlikely]] RenameForRun(s, pc);
}

inline ObjectState* ObjectAt(const void* addr, ObjKind kind, std::uintptr_t pc,
                             const char* std_type) {
  const ObjectFrontSlot& front = ObjectFrontOf(addr);
  if (front.addr == addr &&
      front.version == g_object_version.load(std::memory_order_acquire)) [[likely]] {
    ObjectMetAgain(front.s, pc);
    return front.s;
  }
  return ObjectAtSlow(addr, kind, pc, std_type);
}
// Forgets `addr`; returns its object (the caller deletes it) or null.
ObjectState* ForgetObject(const void* addr);
// Fresh memory from operator new: the objects the map still has in [begin, begin + size)
// belonged to a block freed before (a std::mutex has a trivial destructor: nothing else
// says it died). They are marked, and retired at the address's next lookup, so the mutex
// of a new list node is a new lock, not the old node's with its lock-order edges. Objects
// still held or waited for then (freed while locked: undefined behaviour) are kept.
void ForgetObjectsIn(std::uintptr_t begin, std::size_t size);
// Makes `s` the object at `addr` (an explicit initialisation: sem_init, pthread_rwlock_init);
// returns the object it replaces (the caller deletes it) or null.
ObjectState* BindObject(const void* addr, ObjectState* s);

}  // namespace lab::internal::stdcxx
