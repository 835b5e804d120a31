// sites.h — the student's file:line for code compiled with -fsanitize=thread.
//
// A std:: call has no lab::SourceLocation: the site is found from addresses. Each lab
// thread keeps a shadow call stack fed by __tsan_func_entry/exit (the return address into
// every instrumented caller); a site is the first address, innermost first, whose line
// (inlined frames included, from the executable's DWARF via libdw) is not in a system or
// lab header. Addresses are resolved once and cached, so a warm lookup is a hash probe.
// Without debug information (-g missing) the site is unknown ("?"), never a wrong line.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lab/internal/hooks.h"
#include "lab/internal/site.h"
#include "shadow_stack.h"
#include "std_tls.h"

namespace lab::internal::stdcxx {

// Shadow stack of the calling lab thread (fibers of a controlled run each have their own).
inline void PushFrame(std::uintptr_t caller_pc) {
  ShadowStack* s = StackOf(tls_self);
  if (s->depth < kMaxShadowDepth) s->pcs[s->depth] = caller_pc;
  ++s->depth;
}
inline void PopFrame() {
  ShadowStack* s = StackOf(tls_self);
  if (s->depth > 0) --s->depth;
}

// While an InLab is alive, the calling lab thread is inside the lab (an interposer
// calling the runtime): its accesses are not the student's, and its pthread calls go to
// libc. Kept per lab thread, not per OS thread: a controlled run switches fibers inside
// the runtime, and the fiber resumed there is in its own InLab.
class InLab {
 public:
  InLab() : InLab(StackOf(tls_self)) {}
  // The calling lab thread's stack, already looked up (real_calls.h EnterStudentCall).
  explicit InLab(ShadowStack* own) : depth_(&own->in_lab), self_(tls_self) {
    tls_outside_lab = nullptr;  // shadow_stack.h: no longer known outside the lab
    ++*depth_;
  }
  // Back at depth 0, the lab thread is known outside the lab again (what the next plain
  // access would find in its stack slot): the access after an interposer skips that look.
  // The same lab thread: an InLab ends on the fiber that began it.
  ~InLab() {
    if (--*depth_ == 0) tls_outside_lab = self_;
  }
  InLab(const InLab&) = delete;
  InLab& operator=(const InLab&) = delete;

 private:
  int* depth_;
  const ThreadState* self_;
};
inline bool InLabNow() { return InLabNowInline(); }

// Whose code an address is. The lab's: its libraries (uninstrumented, but they call
// pthread functions and instrumented templates of the submission's translation unit), its
// headers (lab::Shared has its own race checks), the spec (compiled with the submission;
// its bookkeeping must add no happens-before edge and no scheduling point) and the spec
// headers (Recorder). A system header decides nothing: the nearest caller does.
enum class Owner : std::uint8_t { kUnknown, kSystem, kLab, kStudent };
enum class StdFacility : std::uint8_t;

// Set while the calling OS thread resolves an address: libdw's own locks and allocations,
// and the resolver's std:: template code (maybe the program's instrumented copy), must not
// come back into the classification (real_calls.cc: IsRawCall; plain_memory.cc).
extern constinit LAB_STD_TLS bool tls_resolving;

// Whether a plain access or atomic at `pc` (the return address of __tsan_*) is the
// student's: its own line decides, or else (std:: template code) the innermost call site on
// the shadow stack that is the student's or the lab's; undecided is the student's (the
// body of a std::thread). `*site` gets the student's line (unknown when there is none).
// Cached per address: a warm call is one hash probe, plus a shadow-stack walk for code in
// system headers. False while the calling thread resolves an address (the resolver's own
// std:: template code may be the program's instrumented copy).
// `*facility` (if given) gets the address's StdFacility (below) from the same lookup.
// `*library` (if given): the access is the standard library's own work (a std::map's
// node walk inlined into the student's line, or template code out of line): checked as
// the student's, but given no virtual cost (plain_memory.cc Account).
bool StudentAccess(std::uintptr_t pc, SiteRef* site, StdFacility* facility = nullptr,
                   bool* library = nullptr);

// StudentAccess's per-OS-thread front, for the addresses whose answer is theirs alone (the
// student's line or the lab's code; not std:: template code, which the stack decides): the
// inline path of every plain access (plain_memory.cc) asks it first. Filled by
// StudentAccess; an address resolves to the same answer forever, so entries never go stale.
struct alignas(32) AccessClass {
  std::uintptr_t pc = 0;        // the __tsan_* return address; 0: empty
  const char* file = nullptr;   // the student's line (student only)
  std::uint32_t line = 0;
  bool student = false;
  // A standard RAII lock's own field (sites.cc LockHolderMember): not checked when it lies
  // on the accessing thread's own fiber stack (plain_memory.cc OnAccess).
  bool lock_holder = false;
  // The standard library's own code inlined into the student's line (StudentAccess's
  // `library`): no virtual cost.
  bool library = false;
  SiteRef site() const { return SiteRef{file, line}; }
};
// 32 bytes (aligned), so that an entry's offset is a shift (asked on every plain access).
static_assert(sizeof(AccessClass) == 32);
// Two-way set-associative, indexed by the address's low bits folded with the next ones:
// return addresses of nearby call sites differ there, and two hot addresses sharing a set
// must not evict each other at every access.
inline constexpr std::size_t kAccessClasses = 512;  // 256 sets of two ways
extern constinit LAB_STD_TLS AccessClass tls_access_classes[kAccessClasses];
inline AccessClass* AccessClassSet(std::uintptr_t pc) {
  return &tls_access_classes[((pc ^ (pc >> 8)) & (kAccessClasses / 2 - 1)) * 2];
}
// A two-way set of per-thread entries keyed by a return address (`Entry::pc`, 0: empty):
// the entry of `pc` in `set`, or null; and `e` made the set's most recent entry (the other
// way keeps the previous one, unless that was `e`'s own address).
template <class Entry>
inline const Entry* FindInSet(const Entry* set, std::uintptr_t pc) {
  if (set[0].pc == pc) [[likely]] return &set[0];
  if (set[1].pc == pc) return &set[1];
  return nullptr;
}
template <class Entry>
inline void RememberInSet(Entry* set, const Entry& e) {
  if (set[0].pc != e.pc) set[1] = set[0];
  set[0] = e;
}
// The entry of `pc`, or null.
inline const AccessClass* FindAccessClass(std::uintptr_t pc) {
  return FindInSet(AccessClassSet(pc), pc);
}
inline void RememberAccessClass(const AccessClass& c) { RememberInSet(AccessClassSet(c.pc), c); }

// The standard facility whose implementation an atomic operation belongs to, from the
// inline chain of its address (libstdc++ 12 inlines them into the student's function):
// the innermost function of the chain (then the function holding it) that is one of
// these decides, and the first function outside namespace std ends the search (a
// barrier's completion function is the student's code).
enum class StdFacility : std::uint8_t {
  kNone,
  kSemAcquire,  // std::__atomic_semaphore::_S_do_try_acquire: its load and its CAS
  kSemRelease,  // std::__atomic_semaphore::_M_release: its fetch_add
  kBarrierArrive,  // std::__tree_barrier::arrive: the barrier object's own phase word
  kSemWait,  // std::__atomic_wait_address*_bare for a semaphore: its futex wait and its load
  // The rest of std::__tree_barrier (_M_arrive's heap-allocated tree): atomics named as the
  // barrier ("std::barrier"), not by the line and order of first use, which depends on
  // whether the heap reused a freed block (a search's process differs from its replay's).
  kBarrierInternal,
  // std::latch's members (count_down, wait, arrive_and_wait): its counter word, the latch's
  // own address. The latch becomes an object of kind Barrier ("std::latch"), so a puzzle
  // that forbids ready-made barriers (LAB_FORBID(lab::Barrier)) sees it.
  kLatch,
  // std::atomic<std::shared_ptr<T>>'s spin lock (libstdc++ 12's _Sp_atomic::_Atomic_count):
  // its unlock, a relaxed fetch_sub in load() (unlock, _M_wait_unlock), counts as a
  // release, as for any lock: the next locker's acquire then orders the plain read of the
  // pointer made under the lock before its own write (libstdc++ 13 tells ThreadSanitizer
  // the same with mutex annotations). Without it a correct program raced on the pointer.
  kSpAtomicUnlock,
  // std::condition_variable_any's members (wait, notify_*: libstdc++ 12 inlines them): its
  // own std::mutex (held in a shared_ptr) and that shared_ptr's count are named as parts of
  // it, not as objects of the student's (object_map.cc StdTypeAt).
  kCondVarAny,
  // std::shared_ptr's reference count (std::_Sp_counted_base: a copy, a reset, a
  // std::future's or std::async's shared state): its atomics are named as the count, not
  // as a std::atomic of the student's line.
  kSpCount,
  // std::future / std::promise / std::async's shared state (std::__future_base, its status
  // word and its retrieved flag): its atomics named as the future's state.
  kFutureState,
};
// Whether an address of kCondVarAny, kSpCount or kFutureState was ever resolved in this process (before
// that, no object can be named after them: object_map.cc StdTypeAt).
bool NamedPartsSeen();
// Cached per address with the rest of its resolution (one hash probe when warm).
StdFacility FacilityAt(std::uintptr_t pc);
// The same for a futex system call returning to `pc`: libstdc++'s __platform_wait is a
// function of its own, so its callers on the shadow stack (std:: code only, up to the
// first line of the student's or the lab's) decide when its own chain does not.
StdFacility WaitFacilityAt(std::uintptr_t pc);
// Whether a pthread call returning to `pc` is the student's; a call from a shared library
// (libstdc++.so) is decided by the real stack's first frame in the executable. False while
// the calling thread resolves an address (libdw's own locks).
bool StudentCallSlow(std::uintptr_t pc);
// StudentCallSlow's answer for a call from a shared library (`pc`, its interposer's frame
// address `cfa`) when it is known without a lookup: the library address met before, its
// caller's return address at the learned slot a line of the student's already resolved.
// True then, with the call's Loc in `*loc` (what LocFor(pc) would answer next); false
// when StudentCallSlow must decide (it is the only one that fills what this reads).
bool StudentLibCallFast(std::uintptr_t pc, std::uintptr_t cfa, Loc* loc);
// Whether a memcpy, memmove or memset returning to `ret` in the executable runs in
// standard library template code that the linker took from the lab's own objects (a
// COMDAT copy, not instrumented: a std::string's _M_replace, a std::vector's
// _M_realloc_insert, which the student's object defines too) on behalf of the student's
// code; then `*site` is the student's line that called into it. The real stack decides,
// past the library's frames: learned slots, as for a call from libstdc++.so, else one
// unwind. `cfa`: the interposer's frame end (InterposerFrameEnd), 0 when unknown.
bool StudentCopyFromLabTemplate(std::uintptr_t ret, std::uintptr_t cfa, SiteRef* site);
// Whether the resolver's locks are held (by this OS thread, in a controlled run: a copy
// made while it resolves an address must not resolve another).
bool ResolverBusy();
// The end of the frame of the interposer whose return address is `pc` (its frame pointer
// chain from the caller), or 0.
std::uintptr_t InterposerFrameEnd(std::uintptr_t pc);
// An interposed call's answers by its return address, for the addresses that decide alone
// (the student's line or the lab's code; a call from a shared library is decided by the
// real stack and is not kept): StudentCall's, and LocFor's when the address has a line.
// Filled by StudentCallSlow; an address's answers never change.
struct CallSlot {
  std::uintptr_t pc = 0;
  bool student = false;
  bool has_loc = false;
  Loc loc;
};
// Two-way set-associative, as AccessClass: a direct-mapped table let two hot call sites
// share a slot and evict each other at every call (std_bench's condition_variable::wait,
// whose pthread_cond_wait is a tail call returning to the student's line, and an unlock
// four hundred bytes further: both took StudentCallSlow and LocOf at every call).
inline constexpr std::size_t kCallSlots = 128;  // 64 sets of two ways
extern constinit LAB_STD_TLS CallSlot tls_calls[kCallSlots];
inline CallSlot* CallSetOf(std::uintptr_t pc) {
  return &tls_calls[((pc ^ (pc >> 7)) & (kCallSlots / 2 - 1)) * 2];
}
// The entry of `pc`, or null.
inline const CallSlot* FindCallSlot(std::uintptr_t pc) { return FindInSet(CallSetOf(pc), pc); }
inline void RememberCallSlot(const CallSlot& c) { RememberInSet(CallSetOf(c.pc), c); }
inline bool StudentCall(std::uintptr_t pc) {
  if (tls_resolving) return false;  // libdw's own locks, while an address is resolved
  if (const CallSlot* slot = FindCallSlot(pc)) [[likely]] return slot->student;
  return StudentCallSlow(pc);
}
// While one lives, the calling lab thread runs a function of the program on the lab's
// behalf (pthread_once's): a call from libstdc++.so inside it is judged by the frames
// above the lab's (StudentCall), not refused as the lab's own.
struct ProgramCallback {
  ProgramCallback();
  ~ProgramCallback();
  ProgramCallback(const ProgramCallback&) = delete;
  ProgramCallback& operator=(const ProgramCallback&) = delete;
};

// Whether the call returning to `pc` is written in a system header (libstdc++'s inline
// std::shared_mutex calling pthread_rwlock_*), not in the student's own line: tells the
// standard type from the POSIX one the student wrote. A libdw lookup, uncached: for the
// first use of an object only.
bool CalledFromSystemHeader(std::uintptr_t pc);
// The maximum of the std::counting_semaphore whose release (libstdc++ 12's
// __atomic_semaphore::_M_release, StdFacility::kSemRelease) returns to `pc`: its template
// argument N (max(); 1 for a binary_semaphore), read from the linkage name of the
// counting_semaphore<N>::release the inline chain names. -1 when the debug information does
// not say (no -g, or a release the compiler merged): then nothing is checked. Cached per
// address; takes the symbol lock: call with no runtime lock held.
std::int64_t SemaphoreMaxAt(std::uintptr_t pc);

// The student's site for an operation whose innermost return address is `pc` (the
// interposer's or __tsan_*'s own return address).
SiteRef SiteFor(std::uintptr_t pc);
// The same as a Loc, for the hooks.h operations (file and line only).
Loc LocForSlow(std::uintptr_t pc);
inline Loc LocFor(std::uintptr_t pc) {
  const CallSlot* slot = FindCallSlot(pc);
  if (slot != nullptr && slot->has_loc) [[likely]] return slot->loc;
  return LocForSlow(pc);
}

// The name of the global or static object at `addr` from the symbol table ("m",
// "forks+8"), or empty for stack and heap memory. Cached per address.
const char* GlobalName(const void* addr);

}  // namespace lab::internal::stdcxx
