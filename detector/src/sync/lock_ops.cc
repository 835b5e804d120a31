// lock_ops.cc — Mutex, RLock and SharedMutex: ownership, misuse, lock order.
//
// Mutex and RLock take a lock-free path (a CAS on the owner) and fall back to the runtime
// lock only to wait; unlock wakes a waiter only when one registered (the waiter_count
// protocol below). In free runs, LockOp and UnlockOp first try a frame-free fast path for
// the common case (see FastFree). SharedMutex always takes the runtime lock. The lock-order
// graph gets an edge held → requested before a blocking acquisition; try_lock adds none.
#include <algorithm>
#include <cstring>

#include "lock_ops.h"

#include "controlled_scheduler.h"
#include "runtime.h"
#include "wait_for_graph.h"

namespace lab::internal {
namespace {

// The object's node in the run's lock-order graph. Requires the runtime lock.
LockOrderGraph::Node NodeOf(Run* run, ObjectState* s, int gate_permits) {
  if (!s->lo_node_valid) {
    s->lo_node = run->lock_order.AddNode(gate_permits);
    s->lo_node_valid = true;
    s->fast_lock.store(run->mode == RunMode::kFree &&
                           (s->kind == ObjKind::kMutex || s->kind == ObjKind::kRLock),
                       std::memory_order_relaxed);
    if (run->lock_objects.size() <= s->lo_node) run->lock_objects.resize(s->lo_node + 1, nullptr);
    run->lock_objects[s->lo_node] = s;
  }
  return s->lo_node;
}

// Drops held entries whose lock another thread released (unlock-not-owner carried out).
void PruneStale(ThreadState* self) {
  auto& h = self->held;
  for (auto it = h.begin(); it != h.end();) {
    if (it->shared) {
      ++it;
      continue;
    }
    const bool unlocked_by_other = it->obj->owner.load(std::memory_order_relaxed) != self;
    if (unlocked_by_other || it->obj->destroyed) {
      // An entry another thread unlocked was pinned by that unlock; release the pin.
      if (unlocked_by_other) it->obj->held_refs.fetch_sub(1, std::memory_order_relaxed);
      EraseHeld(self, it);
    } else {
      ++it;
    }
  }
}

// Same lock requested under the same held set (and sites) as before adds nothing new to
// the lock-order graph: the observation's hash, kept in a small per-thread cache. Objects
// by their process-unique creation key, never by address (addresses are reused).
inline std::uint64_t EdgeKey(const ThreadState* self, const ObjectState* s, SiteRef site) {
  std::uint64_t key = s->key * 0x9e3779b97f4a7c15ull ^
                      reinterpret_cast<std::uintptr_t>(site.file) ^ site.line;
  for (const auto& h : self->held) {
    key = (key ^ h.obj->key ^ (h.shared ? 1 : 0) ^
           (static_cast<std::uint64_t>(h.site.line) << 40)) * 0xbf58476d1ce4e5b9ull;
  }
  for (ObjectState* sem : self->sem_held) {
    key = (key ^ sem->key) * 0x94d049bb133111ebull;
  }
  return key | 1;  // 0 marks an empty slot
}
// The cache slot: the product's high bits (its low bits only see the inputs' low bits).
inline std::size_t EdgeSlot(std::uint64_t key) { return key >> 60; }
inline bool EdgesKnown(const ThreadState* self, std::uint64_t key) {
  return self->edge_cache[EdgeSlot(key)] == key;
}

// Records held → s edges, and reports an inversion the new edge closes.
void AddLockOrderEdges(ThreadState* self, ObjectState* s, SiteRef site) {
  if (self->held.empty()) return;
  const std::uint64_t key = EdgeKey(self, s, site);
  std::uint64_t& slot = self->edge_cache[EdgeSlot(key)];
  if (slot == key) return;
  slot = key;
  RtGuard g;
  Run* run = self->run;
  PruneStale(self);
  if (self->held.empty()) return;
  LockOrderGraph::Node to = NodeOf(run, s, 0);
  LockOrderGraph::Observation obs;
  obs.thread = self->tid;
  obs.to_site = site;
  // A lock held for reading is no gate: many readers can hold it at once.
  for (const auto& h : self->held) {
    if (!h.shared) obs.held.push_back(h.node);
  }
  for (ObjectState* sem : self->sem_held) obs.held.push_back(NodeOf(run, sem, sem->initial));
  for (const auto& h : self->held) {
    if (h.obj == s) continue;
    obs.from_site = h.site;
    if (!run->lock_order.AddEdge(h.node, to, obs)) continue;
    auto cycle = run->lock_order.FindInversion(h.node, to);
    if (!cycle) continue;
    // Node ids back to objects: held entries of any thread know them; the cycle's nodes
    // are locks this or other threads took, so search the run's threads.
    auto name_of = [&](LockOrderGraph::Node n) -> std::string {
      if (n < run->lock_objects.size() && run->lock_objects[n] != nullptr) {
        return NameOf(run->lock_objects[n]);
      }
      return "lock#" + std::to_string(n);
    };
    Finding f;
    f.kind = FindingKind::kLockOrderInversion;
    std::string msg;
    std::vector<std::string> held_names;  // the lock held on each edge
    for (const auto& e : *cycle) {
      std::string tname = ThreadName(run->threads[e.obs.thread].get());
      std::string a = name_of(e.from), b = name_of(e.to);
      held_names.push_back(a);
      // The step is typed: `b` taken at `site` while `a` (objects[i]) was held since
      // `site2`; the writer composes the sentence.
      f.steps.push_back({tname, "locks", b, ToSource(e.obs.to_site), ToSource(e.obs.from_site)});
      if (std::find(f.threads.begin(), f.threads.end(), tname) == f.threads.end())
        f.threads.push_back(tname);
      if (std::find(f.objects.begin(), f.objects.end(), a) == f.objects.end())
        f.objects.push_back(a);
      f.sites.push_back(ToSource(e.obs.from_site));
      f.sites.push_back(ToSource(e.obs.to_site));
    }
    const bool one_thread = f.threads.size() == 1;
    for (std::size_t i = 0; i < f.steps.size(); ++i) {
      const FindingStep& st = f.steps[i];
      if (!msg.empty()) msg += ", ";
      msg += "'" + held_names[i] + "' → '" + st.object + "'";
      if (!one_thread || i == 0) msg += " in thread '" + st.thread + "'";
      msg += " (" + SiteText(cycle->at(i).obs.to_site) + ")";
    }
    // One thread took every edge (DESIGN §4): it cannot deadlock alone, but the code paths
    // that took the edges deadlock once two threads run them at the same moment.
    f.message = one_thread
                    ? msg + ": one thread took these locks in both orders; these code paths "
                            "deadlock once two threads run them"
                    : msg + "; these threads can deadlock";
    AddFinding(std::move(f));
  }
}

// `rt_held`: the caller holds the runtime lock (slow paths) — it is not recursive.
void OnAcquired(ThreadState* self, ObjectState* s, SiteRef site, bool via_try, bool shared,
                bool rt_held = false) {
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

void SelfDeadlock(ThreadState* self, ObjectState* s, SiteRef site) {
  RtGuard g;
  Finding f = Misuse(FindingKind::kSelfDeadlock, self, s, site,
                     "thread '" + self->name + "' locks " + Describe(s) +
                         " at " + SiteText(site) + ", which it already holds (acquired at " +
                         SiteText(s->acquired_site) + "); a lab::Mutex is not reentrant");
  f.steps = {{self->name, "holds", NameOf(s), {}, ToSource(s->acquired_site)},
             {self->name, "locks again", NameOf(s), ToSource(site), {}}};
  f.sites = {ToSource(s->acquired_site), ToSource(site)};
  FatalFinding(self, std::move(f), &g.lock());
}

bool Exclusive(ObjectState* s) { return s->kind != ObjKind::kSharedMutex; }

// Parking protocol, under the runtime lock with waiter_count raised: enqueue, then retry
// the CAS (an unlock in between sees the count and wakes the queue). True when taken (and
// dequeued again); false: park, then call again.
bool EnqueueOrTake(ObjectState* s, ThreadState* self) {
  s->waiters.push_back(self);
  ThreadState* expected = nullptr;
  if (!s->owner.compare_exchange_strong(expected, self)) return false;
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

// Blocking exclusive acquisition; `timeout` for try_lock_for. Returns false on timeout.
[[gnu::noinline]] bool LockImpl(ObjectState* s, const Loc& loc, std::optional<Nanos> timeout) {
  ThreadState* self = Self();
  Enter(self, s);
  SiteRef site = Fix(self, loc);
  Point(self, OpCode::kLock, s, site);
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
    ThreadState* expected = nullptr;
    if (s->owner.compare_exchange_strong(expected, self) ||
        (self->run->mode == RunMode::kFree && SpinAcquire(s, self))) {
      s->recursion = 1;
      OnAcquired(self, s, site, timeout.has_value(), false);
      return true;
    }
    RtGuard g;
    s->waiter_count.fetch_add(1);
    bool ok = true;
    while (!EnqueueOrTake(s, self)) {
      if (!BlockOn(self, s, WaitKind::kLock, site, g, timeout)) {
        ok = false;
        break;
      }
    }
    s->waiter_count.fetch_sub(1);
    if (!ok) return false;
    s->recursion = 1;
    OnAcquired(self, s, site, timeout.has_value(), false, InControlledRun() ? false : true);
    return true;
  }

  // SharedMutex, exclusive: no owner and no readers; waiting writers hold back new readers.
  RtGuard g;
  s->count++;  // writers waiting
  bool ok = true;
  while (s->owner.load() != nullptr || s->readers > 0) {
    s->waiters.push_back(self);
    if (!BlockOn(self, s, WaitKind::kLock, site, g, timeout)) {
      ok = false;
      break;
    }
  }
  s->count--;
  if (!ok) {
    WakeAll(s);  // readers held back by this writer may go now
    return false;
  }
  s->owner.store(self);
  s->recursion = 1;
  OnAcquired(self, s, site, timeout.has_value(), false, !InControlledRun());
  return true;
}

}  // namespace

// The fast path of a free run (library mode, stress without noise): an uncontended Mutex
// or RLock this thread does not hold, already known to the run and to the lock-order graph,
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
  if (s->owner.load(std::memory_order_relaxed) == self && s->kind == ObjKind::kRLock) {
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
  while (!EnqueueOrTake(s, self)) {
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
[[gnu::noinline]] void LockSlow(ObjectState* s, const Loc& loc) {
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
}  // namespace

void LockOp(ObjectState* s, const Loc& loc) {
  ThreadState* self = tls_self;
  if (self == nullptr || !FastFree(self, s) || s->owner.load(std::memory_order_relaxed) != nullptr) {
    return LockSlow(s, loc);
  }
  const SiteRef site = SiteRef::From(loc);
  // The last site's file is a student's (Fix never records another): most calls come from
  // the same file as the previous one and skip the file-class cache.
  if ((site.file != self->last_site.file && !KnownStudentFile(site.file)) || self->held.full()) {
    return LockSlow(s, loc);
  }
  if (!self->held.empty() && !EdgesKnown(self, EdgeKey(self, s, site))) return LockSlow(s, loc);
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
  HeldLock& h = self->held.emplace_back_unchecked();  // checked not full above
  h.obj = s;
  h.site.file = site.file;
  h.site.line = site.line;
  h.via_try = false;
  h.shared = false;
  h.node = s->lo_node;
  if (!ClockOwnedBy(s, self)) AcquireSlow(self, s);
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
    ThreadState* expected = nullptr;
    if (!s->owner.compare_exchange_strong(expected, self)) return false;
  } else {
    RtGuard g;
    if (s->owner.load() != nullptr || s->readers > 0) return false;
    s->owner.store(self);
    s->recursion = 1;
    OnAcquired(self, s, site, true, false, !InControlledRun());
    return true;
  }
  s->recursion = 1;
  OnAcquired(self, s, site, true, false);
  return true;
}

namespace {
void UnlockSlow(ObjectState* s, const Loc& loc);
}  // namespace

void UnlockOp(ObjectState* s, const Loc& loc) {
  // Fast path: the owner releases its most recent lock (RLock: its last level).
  ThreadState* self = tls_self;
  if (self == nullptr || !FastFree(self, s) || s->owner.load(std::memory_order_relaxed) != self ||
      s->recursion != 1 || self->held.empty() || self->held.back().obj != s) {
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
[[gnu::noinline]] void UnlockSlow(ObjectState* s, const Loc& loc) {
  ++tls_lock_slow_count;
  if (DetectionOff(s) && UnlockUndetected(s)) return;
  ThreadState* self = Self();
  Enter(self, s);
  SiteRef site = Fix(self, loc);
  Point(self, OpCode::kUnlock, s, site);
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
                           "); to signal another thread, use lab::Semaphore");
    f.threads.push_back(owner->name);
    f.steps.insert(f.steps.begin(),
                   {owner->name, "holds", NameOf(s), {}, ToSource(s->acquired_site)});
    AddFinding(std::move(f));
    s->held_refs.fetch_add(1);  // the owner's held entry is now stale: keep `s` alive for it
    // Carried out, so the program goes on: the lock becomes free.
  } else if (s->kind == ObjKind::kRLock && s->recursion > 1) {
    s->recursion--;
    return;
  } else {
    RemoveHeld(self, s, false);
  }
  s->recursion = 0;
  Release(self, s);
  if (Exclusive(s)) {
    s->owner.store(nullptr);
    if (s->waiter_count.load() > 0) {
      RtGuard g;
      WakeOne(s);
    }
  } else {
    RtGuard g;
    s->owner.store(nullptr);
    WakeAll(s);
  }
}

}  // namespace

void LockSharedOp(ObjectState* s, const Loc& loc) {
  ThreadState* self = Self();
  Enter(self, s);
  SiteRef site = Fix(self, loc);
  Point(self, OpCode::kLockShared, s, site);
  if (s->owner.load() == self) SelfDeadlock(self, s, site);
  AddLockOrderEdges(self, s, site);
  RtGuard g;
  while (s->owner.load() != nullptr || s->count > 0) {
    s->waiters.push_back(self);
    BlockOn(self, s, WaitKind::kLockShared, site, g, std::nullopt);
  }
  s->readers++;
  s->reader_threads.push_back(self);
  OnAcquired(self, s, site, false, true, !InControlledRun());
}

bool TryLockSharedOp(ObjectState* s, const Loc& loc) {
  ThreadState* self = Self();
  Enter(self, s);
  SiteRef site = Fix(self, loc);
  Point(self, OpCode::kTryLockShared, s, site);
  RtGuard g;
  if (s->owner.load() != nullptr || s->count > 0) return false;
  s->readers++;
  s->reader_threads.push_back(self);
  OnAcquired(self, s, site, true, true, !InControlledRun());
  return true;
}

void UnlockSharedOp(ObjectState* s, const Loc& loc) {
  ThreadState* self = Self();
  Enter(self, s);
  SiteRef site = Fix(self, loc);
  Point(self, OpCode::kUnlockShared, s, site);
  RtGuard g;
  auto it = std::find(s->reader_threads.begin(), s->reader_threads.end(), self);
  if (it == s->reader_threads.end()) {
    if (s->readers == 0) {
      AddFinding(Misuse(FindingKind::kUnlockUnlocked, self, s, site,
                        "unlock_shared of " + Describe(s) + " at " + SiteText(site) +
                            ", which no thread holds for reading"));
      return;
    }
    AddFinding(Misuse(FindingKind::kUnlockNotOwner, self, s, site,
                      "thread '" + self->name + "' calls unlock_shared on " + Describe(s) +
                          " at " + SiteText(site) + " without holding it for reading"));
    it = s->reader_threads.begin();
    s->held_refs.fetch_add(1);  // that reader's held entry is now stale: never free `s`
  } else {
    RemoveHeld(self, s, true);
  }
  s->reader_threads.erase(it);
  s->readers--;
  s->read_vc.Join(self->vc);
  self->vc.Tick(self->tid);
  s->read_span_ns = std::max(s->read_span_ns, self->span_ns);
  if (s->readers == 0) WakeAll(s);
}

void DeleteObject(ObjectState* s, const Loc& where) {
  (void)where;
  ThreadState* self = PeekSelf();
  Run* run = CurrentRun();
  bool leak = false;
  {
    RtGuard g;
    if (s->gen == run->gen) {
      const bool lock = s->kind == ObjKind::kMutex || s->kind == ObjKind::kRLock ||
                        s->kind == ObjKind::kSharedMutex;
      ThreadState* owner = s->owner.load();
      if (lock && (owner != nullptr || s->readers > 0)) {
        Finding f;
        f.kind = FindingKind::kDestroyedWhileLocked;
        std::string holder = owner ? owner->name : s->reader_threads.front()->name;
        f.message = Describe(s) + " destroyed while thread '" + holder +
                    "' holds it (acquired at " + SiteText(s->acquired_site) + ")";
        f.threads = {holder};
        f.objects = {NameOf(s)};
        f.sites = {ToSource(s->acquired_site)};
        f.steps = {{holder, "holds", NameOf(s), {}, ToSource(s->acquired_site)}};
        if (self != nullptr) {
          f.steps.push_back({self->name, "destroys", NameOf(s), ToSource(self->last_site), {}});
        }
        AddFinding(std::move(f));
        leak = true;  // held lists still point at it
      }
      if (!s->waiters.empty()) leak = true;
      if (s->held_refs.load() > 0) leak = true;  // a stale held entry still points here
      if (s->lo_node_valid) {
        run->lock_order.RemoveNode(s->lo_node);
        if (s->lo_node < run->lock_objects.size()) run->lock_objects[s->lo_node] = nullptr;
      }
      s->lo_node_valid = false;
      s->fast_lock.store(false, std::memory_order_relaxed);
    }
    s->destroyed = true;
  }
  if (run->mode == RunMode::kControlled) {
    run->sched->Bury(s);  // traces of this schedule still name it
    return;
  }
  if (!leak && s->held_refs.load() == 0) delete s;
}

std::uint64_t LockSlowPathCount() { return tls_lock_slow_count; }

}  // namespace lab::internal
