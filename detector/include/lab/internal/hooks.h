// lab/internal/hooks.h — the narrow interface between the primitives and the runtime.
//
// Every public primitive is a thin shell around an ObjectState allocated by the runtime;
// each operation is one call here, which is a scheduling point (controlled runs), an
// event for the analyses, and then the operation itself. Nothing in this header depends on
// whether the run is controlled, stressed or free (library mode).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include "lab/internal/source_location.h"
#include <string_view>

#include "lab/internal/site.h"
#include "lab/internal/thread_fn.h"

namespace lab::internal {

enum class ObjKind : std::uint8_t {
  kMutex,
  kRLock,
  kSharedMutex,
  kCondVar,
  kSemaphore,
  kBoundedSemaphore,
  kEvent,
  kBarrier,
  kThread,
  kShared,
  kAtomic,
  kFutex,  // a futex wait queue of the std:: dialect (named after the facility waiting)
};

struct ObjectState;  // defined by the runtime (object_state.h)
struct ThreadState;

using Loc = lab::SourceLocation;
using Nanos = std::chrono::nanoseconds;

// Objects. `name` may be empty: the object is then named after its declaration site.
ObjectState* NewObject(ObjKind kind, std::string_view name, const Loc& decl, int initial = 0);
void DeleteObject(ObjectState* s, const Loc& where);
std::string_view ObjectName(ObjectState* s);

// Locks (Mutex, RLock, SharedMutex).
void LockOp(ObjectState* s, Loc loc);
bool TryLockOp(ObjectState* s, const Loc& loc);
void UnlockOp(ObjectState* s, Loc loc);
void LockSharedOp(ObjectState* s, const Loc& loc);
bool TryLockSharedOp(ObjectState* s, const Loc& loc);
void UnlockSharedOp(ObjectState* s, const Loc& loc);
// Locks with a timeout (Python acquire(timeout=...)); true when acquired.
bool TimedLockOp(ObjectState* s, Nanos timeout, const Loc& loc);

// Condition variables. `lock` is the lab lock the caller's unique_lock refers to (or null
// when it owns none). Returns false when a timed wait timed out.
bool CondWaitOp(ObjectState* cv, ObjectState* lock, bool owns, Nanos timeout, bool timed,
                const Loc& loc);
void CondNotifyOp(ObjectState* cv, bool all, const Loc& loc);

// Semaphores. Returns false when try/timed acquire failed.
bool SemAcquireOp(ObjectState* s, bool blocking, Nanos timeout, bool timed, const Loc& loc);
void SemReleaseOp(ObjectState* s, int n, const Loc& loc);
int SemValue(ObjectState* s);

// Events.
void EventSetOp(ObjectState* s, const Loc& loc);
void EventClearOp(ObjectState* s, const Loc& loc);
bool EventIsSetOp(ObjectState* s, const Loc& loc);
bool EventWaitOp(ObjectState* s, Nanos timeout, bool timed, const Loc& loc);

// Barriers: the arrival index (0 .. parties-1) of this round.
int BarrierWaitOp(ObjectState* s, const Loc& loc);

// Threads.
// `fn` is moved into the new thread (a small callable stays inline: thread_fn.h).
ObjectState* SpawnThread(std::string_view name, ThreadFn&& fn, const Loc& loc);
void JoinThread(ObjectState* t, const Loc& loc);
// Destroying a joinable lab::Thread: reports thread-not-joined, then joins.
void AbandonThread(ObjectState* t, const Loc& loc);

// Race-checked variables: the access happens between Begin and End (in free runs the
// value is guarded so the lab's own code never races). Begin returns whether it took that
// guard: only then is End called (a controlled run's access has no End, and no call).
bool SharedBegin(ObjectState* s, bool write, const Loc& loc);
void SharedEnd(ObjectState* s, bool write);
// An operator with no line of its own (lab::Shared's implicit conversion, ++/--; the same
// for lab::Atomic) calls this first with its return address, which is in the code that
// used it: when that address is the student's line, it becomes the calling thread's last
// site, which the operation's UnknownSite then reports (runtime.h Fix). Otherwise (no
// line-table hook: a test binary; the lab's or a spec's own code) nothing changes.
void NoteCallerSite(const void* return_address);
// Instrumented atomics: a scheduling point and a synchronisation (seq_cst as acq_rel).
void AtomicOp(ObjectState* s, bool writes, const Loc& loc);

// Time and scheduling.
void SleepOp(Nanos d, const Loc& loc);
void YieldOp(const Loc& loc);
// A puzzle event in the puzzle's words ("prints fizz", "picks up fork 2") at `site`, the
// code under test's call of a spec callback (unknown: the calling thread's last line in
// the code under test, if any). A scheduling point; the trace of a controlled run shows
// `words` as the operation. Returns the site it was placed at.
SiteRef SayOp(std::string_view words, SiteRef site);
// Adds `d` of virtual work to the calling thread (work-span accounting, DESIGN §7).
void ChargeOp(Nanos d, const Loc& loc);
// The calling lab thread's name ("main" for the body of a controlled run).
std::string_view CurrentThreadName();
// Virtual time of the current controlled run (0 in free runs), and real time otherwise.
Nanos NowOp();

}  // namespace lab::internal
