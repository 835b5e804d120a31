// object_map.h — the lab object behind a std:: or pthread object, keyed by its address.
//
// A std::mutex or std::atomic has no constructor call the lab sees (constant
// initialisation), so its lab object (runtime ObjectState) is created on first use: its
// name is the global's symbol ("m", "forks+40") or else its first use site, as for an
// unnamed lab object. The object lives until the address is destroyed explicitly
// (pthread_cond_destroy, pthread_mutex_destroy: std::condition_variable's destructor) and
// otherwise for the process; the runtime brings its dynamic state into each new run
// (Touch), so a stack address reused by the next schedule starts clean. (A condition
// variable destroyed in a controlled run keeps its object for the one the next schedule
// constructs at its address: RetireObject.)
// A std::mutex, std::shared_mutex or pthread_cond_t has a trivial destructor (or none the
// program must call): nothing tells the lab it died, and a new one constructed at the same
// address (a stack slot of the next call, a malloc'ed or placement-new'ed block, an
// optional's emplace) would inherit its lab object, lock-order edges and name. Those types
// leave their memory to the lab (it implements them itself), so the lab marks the object:
// a stamp (StampOf) in 8 bytes of its memory that glibc never uses for it
// (StampedObjectAt). Any constructor or pthread_*_init writes those bytes (zeros, or
// glibc's memset), so a lookup that no longer finds the stamp knows a new object lives at
// the address and gives it a new lab object (see StampedObjectAtSlow for the exceptions).
// Other objects (std::atomic, spinlocks, sem_t, barriers) have no such bytes: theirs is
// kept until a destroy call or an explicit init (BindObject), or the block operator new
// hands out again (ForgetObjectsIn).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "lab/internal/hooks.h"
#include "runtime.h"
#include "std_tls.h"

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
// StdTypeOf, or the part of a standard facility an object first used at `pc` is (sites.h
// kCondVarAny, kSpCount): "std::condition_variable_any's mutex", "std::shared_ptr's count".
const char* StdTypeAt(ObjKind kind, std::uintptr_t pc);
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
// (g_object_version, bumped by ForgetObject, RetireObject and BindObject: a condition
// variable's destructor does it once per schedule). Creation adds entries and changes none.
struct ObjectFrontSlot {
  const void* addr = nullptr;
  ObjectState* s = nullptr;
  std::uint64_t version = 0;
};
inline constexpr std::size_t kObjectFrontSlots = 64;
extern std::atomic<std::uint64_t> g_object_version;
extern constinit LAB_STD_TLS ObjectFrontSlot tls_object_front[kObjectFrontSlots];
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
// The stamp of `s`: never 0 (a constructor's bytes) nor kStampClaimed.
inline constexpr std::uint64_t kStampMagic = 0x1ab5'7a3b'0000'0005ull;
inline constexpr std::uint64_t kStampClaimed = 0x1ab5'c1a1'4ed0'0002ull;
inline std::uint64_t StampOf(const ObjectState* s) {
  return reinterpret_cast<std::uintptr_t>(s) ^ kStampMagic;
}
inline std::uint64_t* StampWord(const void* addr, std::size_t stamp_at) {
  return reinterpret_cast<std::uint64_t*>(
      const_cast<char*>(static_cast<const char*>(addr)) + stamp_at);
}
// The object at `addr` from this thread's front when its stamp (at byte `stamp_at` of the
// object, 8-aligned) is still in memory; null otherwise (StampedObjectAtSlow decides).
inline ObjectState* StampedFront(const void* addr, std::size_t stamp_at) {
  const ObjectFrontSlot& front = ObjectFrontOf(addr);
  if (front.addr == addr &&
      front.version == g_object_version.load(std::memory_order_acquire) &&
      __atomic_load_n(StampWord(addr, stamp_at), __ATOMIC_RELAXED) == StampOf(front.s))
      [[likely]] {
    return front.s;
  }
  return nullptr;
}
// ObjectAt for an object whose type leaves 8 bytes at `stamp_at` to the lab (see the top).
// When the bytes no longer hold the stamp of the object the map has, the memory was
// constructed again: a new lab object is made for it, unless the old one is still held or
// waited for (a lock overwritten while locked: undefined behaviour; it stays, as before),
// or belongs to an earlier schedule of a controlled run (every schedule constructs its
// locals again; Touch starts the object afresh and ObjectMetAgain renames it), which are
// stamped again and kept.
ObjectState* StampedObjectAtSlow(const void* addr, std::size_t stamp_at, ObjKind kind,
                                 std::uintptr_t pc, const char* std_type);
inline ObjectState* StampedObjectAt(const void* addr, std::size_t stamp_at, ObjKind kind,
                                    std::uintptr_t pc, const char* std_type = nullptr) {
  if (ObjectState* s = StampedFront(addr, stamp_at)) [[likely]] {
    ObjectMetAgain(s, pc);
    return s;
  }
  return StampedObjectAtSlow(addr, stamp_at, kind, pc, std_type);
}
// Marks `addr` as `s`'s (after BindObject: an explicit pthread_rwlock_init).
inline void StampObject(const void* addr, std::size_t stamp_at, const ObjectState* s) {
  __atomic_store_n(StampWord(addr, stamp_at), StampOf(s), __ATOMIC_RELAXED);
}

// Forgets `addr`; returns its object (the caller deletes it) or null.
ObjectState* ForgetObject(const void* addr);
// The end of the object at `addr` (a std::condition_variable's destructor) in a controlled
// run, made cheap for the object the next schedule constructs at the same address: when it
// is of `kind`, carries its stamp, belongs to this schedule and nobody holds or waits for
// it, its entry is retired instead of forgotten (its stamp cleared): every lookup answers
// as if the address had none, a new object of another kind or in this same schedule
// replaces it (and it is deleted then), and the same kind constructed there in a later
// schedule gets it back, as a std::mutex's object is kept. Returns whether it retired it;
// false: the caller forgets and deletes it as before.
bool RetireObject(const void* addr, std::size_t stamp_at, ObjKind kind);
// Fresh memory from operator new: the objects the map still has in [begin, begin + size)
// belonged to a block freed before (a std::mutex has a trivial destructor: nothing else
// says it died). They are marked, and retired at the address's next lookup, so the mutex
// of a new list node is a new lock, not the old node's with its lock-order edges. Objects
// still held or waited for then (freed while locked: undefined behaviour) are kept.
void ForgetObjectsIn(std::uintptr_t begin, std::size_t size);
// Whether the map holds any address: the allocation hooks' first test (allocation.h).
extern std::atomic<std::size_t> g_ordered_count;
inline bool AnyObjectAddrs() { return g_ordered_count.load(std::memory_order_relaxed) != 0; }
// A heap block about to be freed (allocation.cc: free, operator delete, realloc to 0) by
// the student's code at `pc`: a lock in it that a thread still holds dies locked, which is
// undefined behaviour; it is destroyed here (DeleteObject: destroyed-while-locked at the
// free, and its holder no longer "exits holding" it). Objects not held are left for
// ForgetObjectsIn. Not for the lab's own frees (it takes the map's and the runtime's locks).
void RetireHeldLocksIn(std::uintptr_t begin, std::size_t size, std::uintptr_t pc);
// `old`, the object at `addr`, is of another kind than the operation now made on it needs
// (`kind`): the storage of a dead std::mutex, std::condition_variable or semaphore holds a
// std::atomic now (a placement new, a stack slot of another call, a block used again).
// Replaced by a new object of `kind`, named by its own first use at `pc`, unless `old` is
// still held or waited for (undefined behaviour: it stays, as for StampedObjectAt).
// Requires InLab.
ObjectState* RenewObjectOfKind(const void* addr, ObjectState* old, ObjKind kind,
                               std::uintptr_t pc);
// Makes `s` the object at `addr` (an explicit initialisation: sem_init, pthread_rwlock_init);
// returns the object it replaces (the caller deletes it) or null.
ObjectState* BindObject(const void* addr, ObjectState* s);

}  // namespace lab::internal::stdcxx
