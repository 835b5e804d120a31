// blocking.cc — parking and waking threads, happens-before hand-offs, a thread's body and
// its exit.
//
// One mechanism for both kinds of run: a thread that must wait records what it waits for,
// is checked for deadlock and stall, and parks; another thread wakes it. In free runs it
// parks on its own condition variable under the runtime lock; in controlled runs the
// scheduler switches to another fiber.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <exception>
#include <utility>

#include "controlled_scheduler.h"
#include "lab/explore.h"
#include "runtime.h"
#include "wait_for_graph.h"

// Defined by liblab_std (stdcxx/thread_local_dtors.cc): `run` false forgets `t`'s
// registered thread_local destructors, true runs them (newest first).
extern "C" [[gnu::weak]] void lab_thread_local_dtors(lab::internal::ThreadState* t, bool run);

namespace lab::internal {
namespace {

// Free runs: how long a thread waits before it looks for a stall again.
constexpr auto kStallRecheck = std::chrono::milliseconds(250);

}  // namespace

void RemoveWaiter(ObjectState* obj, ThreadState* t) {
  if (obj == nullptr) return;
  auto it = std::find(obj->waiters.begin(), obj->waiters.end(), t);
  if (it != obj->waiters.end()) obj->waiters.erase(it);
}

namespace {

// The deadlock check of an untimed owned wait that may close a cycle (NoCyclePossible
// said maybe). Out of line: the finding it may build needs a large frame that the common
// block does not.
[[gnu::noinline]] void CheckDeadlock(ThreadState* self, ObjectState* obj, WaitKind kind,
                                     SiteRef site, RtGuard& g) {
  if (auto dl = FindDeadlock(self, obj, kind, site)) {
    FatalFinding(self, std::move(*dl), &g.lock());
    // kReport policy: block on as the program asked.
  }
}

// Free runs: parks on the thread's condition variable under the runtime lock until woken
// or timed out, looking for a stall while every live thread is blocked. False on timeout.
[[gnu::noinline]] bool ParkFree(ThreadState* self, Run* run, RtGuard& g,
                                std::optional<Nanos> timeout) {
  bool woke = true;
  auto& lk = g.lock();
  if (!self->timed_wait) run->blocked_threads++;
  const auto deadline = timeout ? std::chrono::steady_clock::now() + *timeout
                                : std::chrono::steady_clock::time_point::max();
  std::uint64_t seen_progress = run->progress;
  int idle_rounds = 0;
  while (!self->woken) {
    if (timeout) {
      if (self->park_cv.wait_until(lk, deadline) == std::cv_status::timeout && !self->woken) {
        woke = false;
        break;
      }
      continue;
    }
    self->park_cv.wait_for(lk, kStallRecheck);
    if (self->woken) break;
    // Every live thread blocked, and nothing happened for two rechecks: a stall.
    if (run->blocked_threads >= run->live_threads && run->progress == seen_progress) {
      if (++idle_rounds >= 2) {
        run->blocked_threads--;
        FatalFinding(self, MakeStallFinding(run), &lk);
        run->blocked_threads++;
        idle_rounds = -1000000;  // kReport: report once, then wait on
      }
    } else {
      seen_progress = run->progress;
      idle_rounds = 0;
    }
  }
  if (!self->timed_wait) run->blocked_threads--;
  return woke;
}

// BlockOn's every case: a free run, or a wait that may close a cycle (the deadlock check).
[[gnu::noinline]] bool BlockOnGeneral(ThreadState* self, ObjectState* obj, WaitKind kind,
                                      SiteRef site, RtGuard& g, std::optional<Nanos> timeout) {
  Run* run = self->run;
  // waiting_on is read by cycle checks, under the runtime lock in free runs and on this OS
  // thread in controlled runs: there a relaxed store (a mov, not an xchg) is enough.
  const bool controlled = run->mode == RunMode::kControlled;
  self->wait_kind = kind;
  self->wait_site = site;
  self->timed_wait = timeout.has_value();
  self->woken = false;
  if (controlled) {
    self->waiting_on.store(obj, std::memory_order_relaxed);
  } else {
    self->waiting_on.store(obj);
  }
  if (!self->timed_wait && !NoCyclePossible(self, obj, kind)) {
    CheckDeadlock(self, obj, kind, site, g);
  }

  if (controlled) {
    run->sched->SetState(self, ThreadState::Sched::kBlocked);
    self->timed_out = false;
    self->spurious = false;
    self->wake_at_ns = timeout ? run->sched->now_ns() + std::max<std::int64_t>(0, timeout->count())
                               : -1;
    return run->sched->Park(self, obj);
  }
  const bool woke = ParkFree(self, run, g, timeout);
  self->waiting_on.store(nullptr);
  self->wait_kind = WaitKind::kNone;
  if (!woke) RemoveWaiter(obj, self);
  return woke;
}

}  // namespace

// The common case, a controlled run's wait that cannot close a cycle, makes no frame here:
// BlockOnGeneral's steps for it, in its order, the parking and what follows it being the
// scheduler's Park (one frame for BlockOn and Block, ~25 instructions a block).
bool BlockOn(ThreadState* self, ObjectState* obj, WaitKind kind, SiteRef site, RtGuard& g,
             std::optional<Nanos> timeout) {
  Run* run = self->run;
  if (run->mode != RunMode::kControlled ||
      (!timeout.has_value() && !NoCyclePossible(self, obj, kind))) {
    return BlockOnGeneral(self, obj, kind, site, g, timeout);
  }
  self->wait_kind = kind;
  self->wait_site.file = site.file;  // field by field (SiteRef's padding)
  self->wait_site.line = site.line;
  self->timed_wait = timeout.has_value();
  self->woken = false;
  self->waiting_on.store(obj, std::memory_order_relaxed);
  ControlledScheduler* const sched = run->sched;
  sched->SetState(self, ThreadState::Sched::kBlocked);
  self->timed_out = false;
  self->spurious = false;
  self->wake_at_ns = timeout ? sched->now_ns() + std::max<std::int64_t>(0, timeout->count()) : -1;
  return sched->Park(self, obj);
}

namespace {
// Wake, inlined into WakeOne and WakeAll (a call per woken thread less); the free run's
// notify stays out of line.
[[gnu::noinline]] void NotifyParked(ThreadState* t) { t->park_cv.notify_one(); }
[[gnu::always_inline]] inline void WakeInline(ThreadState* t) {
  Run* run = t->run;
  t->woken = true;
  run->progress++;
  if (run->mode == RunMode::kControlled) {
    run->sched->MakeRunnable(t);
  } else {
    NotifyParked(t);
  }
}
}  // namespace

void Wake(ThreadState* t) { WakeInline(t); }

namespace {
// The index in obj->waiters of the waiter a wake-up takes among the `span` from `from` on.
// Which one is open (C++, POSIX and Python promise no order: glibc's condition variable
// and mutex are not FIFO), so in a controlled run with several candidates it is the
// strategy's choice (ControlledScheduler::ChooseWaiter); free runs take the first.
inline std::size_t PickWaiter(ObjectState* obj, std::size_t from, std::size_t span) {
  if (span < 2) return from;
  Run* run = obj->waiters[from]->run;
  if (run->mode != RunMode::kControlled) return from;
  return from + run->sched->ChooseWaiter(obj->waiters.data() + from, span, obj);
}
}  // namespace

void WakeOne(ObjectState* obj) {
  if (obj->waiters.empty()) return;
  const std::size_t i = PickWaiter(obj, 0, obj->waiters.size());
  ThreadState* t = obj->waiters[i];
  obj->waiters.erase(obj->waiters.begin() + static_cast<std::ptrdiff_t>(i));
  WakeInline(t);
}

int WakeSome(ObjectState* obj, int n) {
  const std::size_t w = obj->waiters.size();
  if (n <= 0 || w == 0) return 0;
  if (static_cast<std::size_t>(n) >= w) {
    WakeAll(obj);
    return static_cast<int>(w);
  }
  // n of the w waiters, picked in queue order, each among those that leave enough after it
  // for the rest: every set of n waiters is one sequence of choices, and only one (the
  // order they are woken in changes nothing: each is only made runnable).
  std::size_t at = 0;
  for (int k = 0; k < n; ++k) {
    const std::size_t left = static_cast<std::size_t>(n - k);  // to wake, this one included
    const std::size_t i = PickWaiter(obj, at, obj->waiters.size() - at - left + 1);
    ThreadState* t = obj->waiters[i];
    obj->waiters.erase(obj->waiters.begin() + static_cast<std::ptrdiff_t>(i));
    WakeInline(t);
    at = i;  // the next candidate moved into the woken one's place
  }
  return n;
}

void WakeAll(ObjectState* obj) {
  // Wake only marks threads runnable (or notifies their park_cv): it never touches the
  // list, so the list is walked in place and cleared, keeping its capacity (a swap into a
  // local vector freed it, and every later wait on a condition variable allocated again).
  for (ThreadState* t : obj->waiters) WakeInline(t);
  obj->waiters.clear();
}

// ReleaseSlow and AcquireSlow: the span clock first, then the vector clocks, whose join is
// inline for two inline clocks (every clock of a run of at most 8 threads) and out of line
// otherwise, each call in tail position: the common case then saves no registers.
namespace {
// Release's clock part (inlined twice: with both clocks inline, where JoinCovered is the
// SSE2 join and no call, and in the general case).
[[gnu::always_inline]] inline void ReleaseClock(ThreadState* self, ObjectState* obj) {
  const bool covered = obj->vc.JoinCovered(self->vc);
  obj->vc_owner = covered ? self : nullptr;
  obj->vc_owner_version = self->vc_version;
  self->vc.Tick(self->tid);
}
[[gnu::noinline]] void ReleaseClockGeneral(ThreadState* self, ObjectState* obj) {
  ReleaseClock(self, obj);
}
[[gnu::noinline]] void AcquireClockGeneral(ThreadState* self, ObjectState* obj) {
  if (self->vc.Join(obj->vc)) self->vc_version++;
}
}  // namespace

void ReleaseSlow(ThreadState* self, ObjectState* obj) {
  obj->span_ns = std::max(obj->span_ns, self->span_ns);
  if (!obj->vc.BothInline(self->vc)) [[unlikely]] return ReleaseClockGeneral(self, obj);
  ReleaseClock(self, obj);
}

void AcquireSlow(ThreadState* self, ObjectState* obj) {
  self->span_ns = std::max(self->span_ns, obj->span_ns);
  // A clock `self` published itself (vc_owner, at an older version) is covered by self's
  // clock, which only grew since: the join could not change anything.
  if (obj->vc_owner == self) return;
  if (!self->vc.BothInline(obj->vc)) [[unlikely]] return AcquireClockGeneral(self, obj);
  if (self->vc.Join(obj->vc)) self->vc_version++;
}

void OnThreadExit(ThreadState* self) {
  RtGuard g;
  if (self->finished) return;
  Run* run = self->run;
  for (const auto& h : self->held) {
    // Only locks it still holds: another thread may have unlocked it (unlock-not-owner),
    // or it was destroyed while locked (reported then).
    if (h.obj->destroyed || (!h.shared && h.obj->owner.load() != self)) continue;
    Finding f;
    f.kind = FindingKind::kExitHoldingLock;
    f.message = "thread '" + self->name + "' finished while holding " + Describe(h.obj) +
                " (acquired at " + SiteText(h.site) + "); threads waiting for it will wait forever";
    f.threads = {self->name};
    f.objects = {NameOf(h.obj)};
    f.sites = {ToSource(h.site)};
    f.steps = {{self->name, "holds", NameOf(h.obj), {}, ToSource(h.site)}};
    AddFinding(std::move(f));
  }
  self->finished = true;
  run->live_threads--;
  run->progress++;
  if (self->thread_obj != nullptr) {
    // Join: the thread's final clock is what its joiners acquire.
    Release(self, self->thread_obj);
    WakeAll(self->thread_obj);
  }
}

// Runs a lab thread's function: an escaping exception is a finding, not std::terminate.
void RunThreadBody(ThreadState* t) {
  // A controlled run's destructors of the student's thread_locals (liblab_std, when
  // linked: stdcxx/thread_local_dtors.cc): forgotten at the start (a reused state of an
  // ended schedule), run when the body returns, on the thread's own copy.
  if (lab_thread_local_dtors != nullptr) lab_thread_local_dtors(t, false);
  try {
    t->fn();
    if (lab_thread_local_dtors != nullptr) lab_thread_local_dtors(t, true);
  } catch (const DeadlockError&) {
    // Library policy kThrow: already reported.
  } catch (const std::exception& e) {
    RtGuard g;
    Finding f;
    f.kind = FindingKind::kUncaughtException;
    f.message = "thread '" + t->name + "' ended with an uncaught exception: " + e.what();
    f.threads = {t->name};
    f.sites = {ToSource(t->last_site)};
    AddFinding(std::move(f));
  } catch (...) {
    if (InControlledRun() && t->run->sched->aborting()) throw;  // the run is being unwound
    RtGuard g;
    Finding f;
    f.kind = FindingKind::kUncaughtException;
    f.message = "thread '" + t->name + "' ended with an uncaught exception of unknown type";
    f.threads = {t->name};
    f.sites = {ToSource(t->last_site)};
    AddFinding(std::move(f));
  }
  t->fn = nullptr;
}

}  // namespace lab::internal
