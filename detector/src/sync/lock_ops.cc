// lock_ops.cc — the lock protocol of Mutex and RLock (and the entry of SharedMutex's
// exclusive side): lock, try_lock, timed lock, unlock; ownership and misuse.
//
// Mutex and RLock take a lock-free path (a CAS on the owner) and fall back to the runtime
// lock only to wait; unlock wakes a waiter only when one registered (the waiter_count
// protocol below). In free runs, LockOp and UnlockOp first try a frame-free fast path for
// the common case (see FastFree); it and everything it inlines or tail-calls stay in this
// file. SharedMutex is shared_mutex.cc, lock-order findings lock_order.cc, the end of an
// object object_teardown.cc.
#include <algorithm>
#include <cstring>

#include "lock_ops.h"

#include "controlled_point.h"
#include "lock_internal.h"
#include "wait_for_graph.h"

namespace lab::internal {

// Shared with shared_mutex.cc: see lock_internal.h.
void OnAcquired(ThreadState* self, ObjectState* s, SiteRef site, bool via_try, bool shared,
                bool rt_held) {
  // Readers publish into read_vc (not vc), so readers stay unordered among themselves; a
  // writer takes both.
  Acquire(self, s);
  if (s->kind == ObjKind::kSharedMutex && !shared) {
    if (self->vc.Join(s->read_vc)) self->vc_version++;
    self->span_ns = std::max(self->span_ns, s->read_span_ns);
  }
  s->acquired_site = site;
  LockOrderGraph::Node node = 0;
  {
    Run* run = self->run;
    if (!s->lo_node_valid) {
      if (rt_held) {
        node = NodeOf(run, s, 0);
      } else {
        RtGuard g;
        node = NodeOf(run, s, 0);
      }
    } else {
      node = s->lo_node;
    }
  }
  PushHeld(self, s, site, via_try, shared, node);
}

void RemoveHeld(ThreadState* self, ObjectState* s, bool shared) {
  auto& h = self->held;
  for (auto it = h.rbegin(); it != h.rend(); ++it) {
    if (it->obj == s && it->shared == shared) {
      EraseHeld(self, std::next(it).base());
      return;
    }
  }
}

Finding Misuse(FindingKind kind, ThreadState* self, ObjectState* s, SiteRef site,
               std::string msg) {
  Finding f;
  f.kind = kind;
  f.message = std::move(msg);
  f.threads = {self->name};
  f.objects = {NameOf(s)};
  f.sites = {ToSource(site)};
  f.steps = {{self->name, std::string(FindingId(kind)), NameOf(s), ToSource(site), {}}};
  return f;
}

namespace {
// Both readings of a second lock() by the holder, in the object's dialect: re-entry on
// purpose (a reentrant lock), or a mutex used as a signal that another thread was meant to
// unlock, which Python's threading.Lock allows and an owned mutex does not (a semaphore).
std::string SelfDeadlockAdvice(const ObjectState* s) {
  const bool std_dialect = s->std_type != nullptr;
  std::string reenter;
  if (s->kind == ObjKind::kMutex) {
    reenter = std_dialect ? "if this thread means to take it again, std::recursive_mutex counts "
                            "its locks; "
                          : "if this thread means to take it again, lab::RLock counts its locks; ";
  }
  return ": " + reenter +
         "if another thread is meant to unlock it (a mutex used as a signal, as Python's "
         "threading.Lock allows), " +
         (std_dialect ? "signal with a std::binary_semaphore (or a std::condition_variable "
                        "with a flag) instead"
                      : "signal with a lab::Semaphore of 0 permits instead");
}
}  // namespace

void SelfDeadlock(ThreadState* self, ObjectState* s, SiteRef site) {
  RtGuard g;
  Finding f = Misuse(FindingKind::kSelfDeadlock, self, s, site,
                     "thread '" + self->name + "' locks " + Describe(s) +
                         " at " + SiteText(site) + ", which it already holds (acquired at " +
                         SiteText(s->acquired_site) + "); a " + TypeName(s) +
                         " is not reentrant" + SelfDeadlockAdvice(s));
  f.steps = {{self->name, "holds", NameOf(s), {}, ToSource(s->acquired_site)},
             {self->name, "locks again", NameOf(s), ToSource(site), {}}};
  f.sites = {ToSource(s->acquired_site), ToSource(site)};
  FatalFinding(self, std::move(f), &g.lock());
}

namespace {

bool Exclusive(ObjectState* s) { return s->kind != ObjKind::kSharedMutex; }

// Parking protocol, under the runtime lock with waiter_count raised: enqueue, then retry
// the CAS (an unlock in between sees the count and wakes the queue). True when taken (and
// dequeued again); false: park, then call again. Always inline (GCC kept it a call, with
// its own frame, in LockAfterPoint's retry loop: ~0.3k instructions a schedule of the
// bounded buffer, with RemoveFrom's in wait_ops.cc).
[[gnu::always_inline]] inline bool EnqueueOrTake(ObjectState* s, ThreadState* self,
                                                 bool controlled) {
  if (controlled) {
    // One fiber runs at a time: no unlock can come between the enqueue and the retry, so
    // take first and enqueue only to park (the same end state, without the list work).
    if (TakeOwner(s, self, true)) return true;
    s->waiters.push_back(self);
    return false;
  }
  s->waiters.push_back(self);
  if (!TakeOwner(s, self, controlled)) return false;
  auto it = std::find(s->waiters.begin(), s->waiters.end(), self);
  if (it != s->waiters.end()) s->waiters.erase(it);
  return true;
}

// Free runs, a held Mutex or RLock: short critical sections are common, so spin a little
// before parking, as futex mutexes do, backing off exponentially so that the spinner
// leaves the owner's cache line alone. True when the spin took the lock.
bool SpinAcquire(ObjectState* s, ThreadState* self) {
  for (int i = 0; i < 12; ++i) {
    for (int p = 0; p < (1 << (i < 7 ? i : 7)); ++p) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
    ThreadState* expected = nullptr;
    if (s->owner.load(std::memory_order_relaxed) == nullptr &&
        s->owner.compare_exchange_weak(expected, self)) {
      return true;
    }
  }
  return false;
}

// LockImpl after its scheduling point (LockControlled's general case too).
[[gnu::noinline]] bool LockAfterPoint(ThreadState* self, ObjectState* s, SiteRef site,
                                      std::optional<Nanos> timeout) {
  if (s->owner.load() == self) {
    if (s->kind == ObjKind::kRLock) {
      s->recursion++;
      return true;
    }
    if (timeout) return false;
    SelfDeadlock(self, s, site);
  }
  if (!timeout && !self->held.empty()) AddLockOrderEdges(self, s, site);

  if (Exclusive(s)) {
    // TakeOwner: a plain load and store in controlled runs (one OS thread), a CAS in free.
    const bool controlled = self->run->mode == RunMode::kControlled;
    if (TakeOwner(s, self, controlled) || (!controlled && SpinAcquire(s, self))) {
      s->recursion = 1;
      OnAcquired(self, s, site, timeout.has_value(), false);
      return true;
    }
    RtGuard g;
    AddWaiterCount(s, 1, controlled);
    bool ok = true;
    while (!EnqueueOrTake(s, self, controlled)) {
      if (!BlockOn(self, s, WaitKind::kLock, site, g, timeout)) {
        ok = false;
        break;
      }
    }
    AddWaiterCount(s, -1, controlled);
    if (!ok) return false;
    s->recursion = 1;
    // rt_held: free runs hold the runtime lock here (tls_run == nullptr: !InControlledRun()).
    OnAcquired(self, s, site, timeout.has_value(), false, tls_run == nullptr);
    return true;
  }

  // SharedMutex, exclusive (shared_mutex.cc).
  return LockSharedMutexExclusive(self, s, site, timeout);
}

// Blocking exclusive acquisition; `timeout` for try_lock_for. Returns false on timeout.
[[gnu::noinline]] bool LockImpl(ObjectState* s, const Loc& loc, std::optional<Nanos> timeout) {
  ThreadState* self = Self();
  Enter(self, s);
  SiteRef site = Fix(self, loc);
  Point(self, OpCode::kLock, s, site);
  return LockAfterPoint(self, s, site, timeout);
}

// lock() in a controlled run (one OS thread runs every fiber): LockImpl without a timeout
// in one frame. A free Mutex or RLock is taken here with LockAfterPoint's steps in its
// order (lock-order edges, owner, recursion, then OnAcquired's: clock, site, held entry);
// LockSlow's free-run switches, the optional timeout, OnAcquired's own call and
// ControlledPoint's frame (the scheduler's Point is inlined here) fall away. A held lock,
// a SharedMutex and a wait go to LockAfterPoint.
[[gnu::noinline]] void LockControlled(ThreadState* self, ObjectState* s, Loc loc) {
  Enter(self, s);
  const SiteRef site = Fix(self, loc);
  self->run->sched->Point(self, OpCode::kLock, s, site);  // inlined (controlled_point.h)
  if (s->kind == ObjKind::kSharedMutex || s->owner.load(std::memory_order_relaxed) != nullptr) {
    LockAfterPoint(self, s, site, std::nullopt);
    return;
  }
  if (!self->held.empty()) AddLockOrderEdges(self, s, site);
  s->owner.store(self, std::memory_order_relaxed);  // TakeOwner, controlled
  s->recursion = 1;
  Acquire(self, s);
  s->acquired_site = site;
  LockOrderGraph::Node node;
  if (s->lo_node_valid) [[likely]] {
    node = s->lo_node;
  } else {
    RtGuard g;  // a no-op in a controlled run, as in OnAcquired
    node = NodeOf(self->run, s, 0);
  }
  PushHeld(self, s, site, false, false, node);
}

}  // namespace

// The fast path of a free run (library mode, stress without noise): an uncontended Mutex
// or RLock (the CAS on its owner succeeds), already known to the run and to the lock-order graph,
// requested under a held set whose edges this thread recorded before. Everything the slow
// path would do still happens: the edges are known, the clock is taken, the held list and
// the site are updated. Anything else (and a failed CAS) goes through LockSlow.
inline bool FastFree(ThreadState* self, ObjectState* s) {
  return self->fast_paths.load(std::memory_order_relaxed) &&
         s->fast_lock.load(std::memory_order_relaxed);
}

namespace {
[[gnu::noinline]] void WakeOneWaiter(ObjectState* s) {
  RtGuard g;
  WakeOne(s);
}

// Detection off (SetDetectionOff, benchmark only): the lock alone, with the same CAS,
// spin and park protocol as the detecting path, so that the difference is the analyses.
bool DetectionOff(ObjectState* s) {
  return g_detection_off.load(std::memory_order_relaxed) && !InControlledRun() &&
         (s->kind == ObjKind::kMutex || s->kind == ObjKind::kRLock);
}

void LockUndetected(ObjectState* s) {
  ThreadState* self = Self();
  // Kind first: a load of `owner` right after this thread's own unlock exchanged it waits
  // for that exchange (see LockOp), and a Mutex needs no such load.
  if (s->kind == ObjKind::kRLock && s->owner.load(std::memory_order_relaxed) == self) {
    s->recursion++;
    return;
  }
  ThreadState* expected = nullptr;
  if (s->owner.compare_exchange_strong(expected, self) || SpinAcquire(s, self)) {
    s->recursion = 1;
    return;
  }
  RtGuard g;
  s->waiter_count.fetch_add(1);
  while (!EnqueueOrTake(s, self, /*controlled=*/false)) {
    self->woken = false;
    while (!self->woken) self->park_cv.wait(g.lock());
  }
  s->waiter_count.fetch_sub(1);
  s->recursion = 1;
}

// False when the caller does not own `s`: the detecting path reports the misuse.
bool UnlockUndetected(ObjectState* s) {
  ThreadState* self = Self();
  if (s->owner.load(std::memory_order_relaxed) != self) return false;
  if (s->kind == ObjKind::kRLock && s->recursion > 1) {
    s->recursion--;
    return true;
  }
  s->recursion = 0;
  s->owner.store(nullptr, std::memory_order_seq_cst);
  if (s->waiter_count.load(std::memory_order_seq_cst) > 0) WakeOneWaiter(s);
  return true;
}

// See lock_ops.h. Per thread: only its owner touches it.
constinit LAB_TLS std::uint64_t tls_lock_slow_count = 0;

// Every way out of the fast paths is a tail call, so that they need no stack frame.
// The location by value (one pointer, in a register): the fast paths pass it on in a tail
// call, and their callers need not store it to memory (a store and a dependent load per
// lock and unlock when it went by reference).
[[gnu::noinline]] void LockSlow(ObjectState* s, Loc loc) {
  ++tls_lock_slow_count;
  if (DetectionOff(s)) return LockUndetected(s);
  LockImpl(s, loc, std::nullopt);
}
// Unlock after ReleaseFast declined: the full release, then the hand-over.
[[gnu::noinline]] void FinishUnlock(ThreadState* self, ObjectState* s) {
  ReleaseSlow(self, s);
  s->owner.store(nullptr, std::memory_order_seq_cst);
  if (s->waiter_count.load(std::memory_order_seq_cst) > 0) WakeOneWaiter(s);
}

// The nested case of the fast path (something already held): whether this thread
// recorded the lock-order edges of taking `s` under its held set before, then the same
// acquisition. A function of its own, so that the uncontended case needs no stack frame
// (the edge key's loop needs registers the frameless path does not have).
[[gnu::noinline]] void LockNestedFast(ThreadState* self, ObjectState* s, Loc loc, SiteRef site);

[[gnu::always_inline]] inline void LockFastTake(ThreadState* self, ObjectState* s, Loc loc,
                                                SiteRef site) {
  ThreadState* expected = nullptr;
  if (!s->owner.compare_exchange_strong(expected, self, std::memory_order_acquire,
                                        std::memory_order_relaxed)) {
    return LockSlow(s, loc);
  }
  // Sites field by field: a SiteRef copied whole goes through the stack (its padding).
  self->last_site.file = site.file;
  self->last_site.line = site.line;
  s->recursion = 1;
  s->acquired_site.file = site.file;
  s->acquired_site.line = site.line;
  HeldLock& h = self->held.emplace_back_unchecked();  // checked not full by the caller
  h.obj = s;
  h.site.file = site.file;
  h.site.line = site.line;
  h.via_try = false;
  h.shared = false;
  h.node = s->lo_node;
  if (!ClockOwnedBy(s, self)) AcquireSlow(self, s);
}

void LockNestedFast(ThreadState* self, ObjectState* s, Loc loc, SiteRef site) {
  if (!EdgesKnown(self, EdgeKey(self, s, site))) return LockSlow(s, loc);
  LockFastTake(self, s, loc, site);
}
}  // namespace

void LockOp(ObjectState* s, Loc loc) {
  ThreadState* self = tls_self;
  // No test of `owner` before the CAS: in the common pattern (this thread unlocked `s`
  // just before) that load follows the unlock's locked exchange of the same word and cost
  // about 2 ns per lock+unlock here (measured, x86-64: 1.34x -> about 1.2x std::mutex
  // uncontended). A held lock fails the CAS instead and goes to LockSlow, as it did from
  // the test.
  if (self == nullptr || !FastFree(self, s)) {
    if (self != nullptr && self->run->mode == RunMode::kControlled) {
      return LockControlled(self, s, loc);
    }
    return LockSlow(s, loc);
  }
  const SiteRef site = SiteRef::From(loc);
  // The last site's file is a student's (Fix never records another): most calls come from
  // the same file as the previous one and skip the file-class cache.
  if ((site.file != self->last_site.file && !KnownStudentFile(site.file)) || self->held.full()) {
    return LockSlow(s, loc);
  }
  if (!self->held.empty()) return LockNestedFast(self, s, loc, site);
  LockFastTake(self, s, loc, site);
}

bool TimedLockOp(ObjectState* s, Nanos timeout, const Loc& loc) {
  return LockImpl(s, loc, timeout);
}

bool TryLockOp(ObjectState* s, const Loc& loc) {
  ThreadState* self = Self();
  Enter(self, s);
  SiteRef site = Fix(self, loc);
  Point(self, OpCode::kTryLock, s, site);
  if (s->owner.load() == self) {
    if (s->kind == ObjKind::kRLock) {
      s->recursion++;
      return true;
    }
    return false;
  }
  if (Exclusive(s)) {
    if (!TakeOwner(s, self, self->run->mode == RunMode::kControlled)) return false;
  } else {
    return TryLockSharedMutexExclusive(self, s, site);
  }
  s->recursion = 1;
  OnAcquired(self, s, site, true, false);
  return true;
}

namespace {
void UnlockSlow(ObjectState* s, Loc loc);
void UnlockControlled(ThreadState* self, ObjectState* s, Loc loc);
}  // namespace

void UnlockOp(ObjectState* s, Loc loc) {
  // Fast path: the owner releases its most recent lock (RLock: its last level).
  // Ownership without loading `owner` (that load follows the lock's CAS of the same word
  // and cost about 2 ns per lock+unlock, as in LockOp): this thread's most recent held
  // entry is `s`, so it took `s` and has not released it; the one way `s` can have left
  // it since is another thread's unlock of it (unlock-not-owner, carried out), which
  // raises held_refs before it drops the owner, and held_refs stays raised until this
  // thread prunes the stale entry. A lock destroyed while held loses fast_lock. Anything
  // else, and held_refs > 0, goes through UnlockSlow, which checks the owner itself.
  ThreadState* self = tls_self;
  if (self == nullptr || !FastFree(self, s) || s->held_refs.load(std::memory_order_relaxed) != 0 ||
      self->held.empty() || self->held.back().obj != s || s->recursion != 1) {
    if (self != nullptr && self->run->mode == RunMode::kControlled) {
      return UnlockControlled(self, s, loc);
    }
    return UnlockSlow(s, loc);
  }
  const SiteRef site = SiteRef::From(loc);
  if (site.file != self->last_site.file) {
    // Fix's rule, from the file-class cache: a student's file becomes the last site; a lab
    // header (the destructor of std::lock_guard / unique_lock in lab/std_locks.h) leaves
    // it as it is, and so does the spec's file (internal too: IsSpecFile). A file the cache
    // does not know goes through Fix on the slow path.
    const FileClass& e = FileClassSlot(site.file);
    if (e.file != site.file) return UnlockSlow(s, loc);
    if (!e.internal) {
      self->last_site.file = site.file;
      self->last_site.line = site.line;
    }
  } else {
    self->last_site.line = site.line;
  }
  self->held.pop_back();
  s->recursion = 0;
  if (!ClockOwnedBy(s, self)) return FinishUnlock(self, s);
  ReleaseOwnedClock(self, s);
  // seq_cst store, then the waiter count: pairs with a waiter that registers, then
  // retries the CAS (neither can miss the other).
  s->owner.store(nullptr, std::memory_order_seq_cst);
  if (s->waiter_count.load(std::memory_order_seq_cst) > 0) WakeOneWaiter(s);
}

namespace {
// In the object's dialect: a std::mutex unlocked by a non-owner is undefined behaviour.
std::string UnlockNotOwnerAdvice(const ObjectState* s) {
  if (s->std_type == nullptr) return "to signal another thread, use lab::Semaphore";
  return std::string("unlocking a ") + s->std_type +
         " from a thread that does not own it is undefined behaviour in C++; to signal "
         "another thread use std::binary_semaphore (or a std::condition_variable with a "
         "flag)";
}

// UnlockSlow after its scheduling point (UnlockControlled's general case too).
[[gnu::noinline]] void UnlockAfterPoint(ThreadState* self, ObjectState* s, SiteRef site);

[[gnu::noinline]] void UnlockSlow(ObjectState* s, Loc loc) {
  ++tls_lock_slow_count;
  if (DetectionOff(s) && UnlockUndetected(s)) return;
  ThreadState* self = Self();
  Enter(self, s);
  SiteRef site = Fix(self, loc);
  PointInline(self, OpCode::kUnlock, s, site);
  UnlockAfterPoint(self, s, site);
}

// unlock() in a controlled run (one OS thread runs every fiber), as LockControlled is
// lock(): the owner releasing a Mutex or RLock (its last level) that is its most recent
// held entry, in one frame with the scheduler's Point inlined, with UnlockAfterPoint's
// steps in its order (held entry, recursion, clock, owner, hand-over). No misuse is
// possible there, so none of UnlockSlow's finding-building frame, its detection-off test
// or its slow-path count. Everything else (a misuse, a SharedMutex, an RLock's inner
// level, an unlock out of order) goes to UnlockAfterPoint after the same point.
[[gnu::noinline]] void UnlockControlled(ThreadState* self, ObjectState* s, Loc loc) {
  Enter(self, s);
  const SiteRef site = Fix(self, loc);
  self->run->sched->Point(self, OpCode::kUnlock, s, site);  // inlined (controlled_point.h)
  // After the point: while this thread was switched out, another thread may have
  // unlocked `s` (unlock-not-owner, carried out); the owner is checked now.
  if (s->owner.load(std::memory_order_relaxed) != self || s->kind == ObjKind::kSharedMutex ||
      s->recursion != 1 || self->held.empty() || self->held.back().obj != s ||
      self->held.back().shared) {
    return UnlockAfterPoint(self, s, site);
  }
  self->held.pop_back();
  s->recursion = 0;
  Release(self, s);
  s->owner.store(nullptr, std::memory_order_relaxed);  // DropOwner, controlled
  if (s->waiter_count.load(std::memory_order_relaxed) > 0) {
    RtGuard g;  // a no-op in a controlled run
    WakeOne(s);
  }
}

void UnlockAfterPoint(ThreadState* self, ObjectState* s, SiteRef site) {
  ThreadState* owner = s->owner.load();
  if (owner == nullptr) {
    RtGuard g;
    AddFinding(Misuse(FindingKind::kUnlockUnlocked, self, s, site,
                      "unlock of " + Describe(s) + " at " + SiteText(site) +
                          ", which is not locked"));
    return;
  }
  if (owner != self) {
    RtGuard g;
    Finding f = Misuse(FindingKind::kUnlockNotOwner, self, s, site,
                       "thread '" + self->name + "' unlocks " + Describe(s) + " at " +
                           SiteText(site) + ", but thread '" + owner->name +
                           "' holds it (acquired at " + SiteText(s->acquired_site) +
                           "); " + UnlockNotOwnerAdvice(s));
    f.threads.push_back(owner->name);
    f.steps.insert(f.steps.begin(),
                   {owner->name, "holds", NameOf(s), {}, ToSource(s->acquired_site)});
    AddFinding(std::move(f));
    s->held_refs.fetch_add(1);  // the owner's held entry is now stale: keep `s` alive for it
    // Carried out, so the program goes on: the lock becomes free.
  } else if (s->kind == ObjKind::kRLock && s->recursion > 1) {
    s->recursion--;
    return;
  } else if (!self->held.empty() && self->held.back().obj == s && !self->held.back().shared) {
    self->held.pop_back();  // RemoveHeld's first match, without the call: the common order
  } else {
    RemoveHeld(self, s, false);
  }
  s->recursion = 0;
  Release(self, s);
  if (Exclusive(s)) {
    DropOwner(s, self->run->mode == RunMode::kControlled);
    if (s->waiter_count.load() > 0) {
      RtGuard g;
      WakeOne(s);
    }
  } else {
    UnlockSharedMutexExclusive(s);
  }
}

}  // namespace

std::uint64_t LockSlowPathCount() { return tls_lock_slow_count; }

}  // namespace lab::internal
