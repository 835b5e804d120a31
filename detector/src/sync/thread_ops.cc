// thread_ops.cc — lab::Thread, sleeping, yielding, work-span charges, the clock.
#include <atomic>
#include <chrono>
#include <cstring>
#include <exception>
#include <thread>
#include <utility>

#include "controlled_point.h"
#include "controlled_scheduler.h"
#include "lab/explore.h"
#include "raw_calls.h"
#include "runtime.h"
#include "wait_for_graph.h"

namespace lab::internal {
namespace {

std::chrono::steady_clock::time_point ProcessStart() {
  static const auto t0 = std::chrono::steady_clock::now();
  return t0;
}

// runtime.h's Point for a thread's start and join, with the controlled scheduler's Point
// inlined (controlled_point.h): the point is made in SpawnThread's and JoinThread's own
// frames, as the lock's is in LockControlled (no ControlledPoint frame per start and join).
[[gnu::always_inline]] inline void ThreadPoint(ThreadState* self, OpCode op, ObjectState* obj,
                                               SiteRef site) {
  if (self->run->mode == RunMode::kControlled) {
    self->run->sched->Point(self, op, obj, site);
  } else if (g_stress_noise.load(std::memory_order_relaxed)) {
    NoisePoint(self);
  }
}

// "thread-<n>", the name of a thread started without one (a std::thread, a pthread): the
// first few are built once and kept (a controlled run starts them schedule after
// schedule), any other in `*scratch`. Called with the runtime lock held (it guards the
// table).
std::string_view DefaultThreadName(std::size_t n, std::string* scratch) {
  static constexpr std::size_t kKept = 32;
  static std::string* kept[kKept];
  if (n >= kKept) return *scratch = "thread-" + std::to_string(n);
  if (kept[n] == nullptr) kept[n] = new std::string("thread-" + std::to_string(n));
  return *kept[n];
}

}  // namespace

namespace {
std::atomic<CallerSiteHook> g_caller_site_hook{nullptr};
}  // namespace

void SetCallerSiteHook(CallerSiteHook hook) { g_caller_site_hook.store(hook); }

SiteRef CallerSiteFromStack() {
  const CallerSiteHook hook = g_caller_site_hook.load(std::memory_order_relaxed);
  return hook != nullptr ? hook() : SiteRef{};
}

ObjectState* SpawnThread(std::string_view name, ThreadFn&& fn, const Loc& loc) {
  ThreadState* self = Self();
  // The new thread may be handed a reference into this one's std::thread state (a lambda
  // capture): from now on that state is checked as any memory (ThreadState::own_state).
  self->own_state_size = 0;
  SiteRef site = Fix(self, loc);
  // A lab::Thread built inside std::vector::emplace_back has its std::source_location in
  // <vector>: the student's line that started it is the caller on the stack (the spec's
  // own threads have none there and keep no site).
  if (IsInternalFile(SiteRef::From(loc).file) && !IsSpecFile(loc.file_name())) {
    const SiteRef caller = CallerSiteFromStack();
    if (caller.known()) {
      site = caller;
      self->last_site = caller;
    }
  }
  ThreadPoint(self, OpCode::kSpawn, nullptr, site);
  Run* run = self->run;
  ThreadState* t;
  ObjectState* obj;
  {
    RtGuard g;
    // A given name is passed through as a view (copied once into the object and once
    // into the thread); only a default name is built.
    std::string default_name;
    if (name.empty()) name = DefaultThreadName(run->threads.size(), &default_name);
    // Its object and its thread in one frame (registry.cc).
    t = NewThreadLocked(run, name, site, self);
    obj = t->thread_obj;
    // The new thread's last user site starts at its creator's (its own first line in the
    // student's code replaces it).
    t->last_site = self->last_site;
    t->fn = std::move(fn);
    run->progress++;
  }
  if (run->mode == RunMode::kControlled) {
    run->sched->Spawn(t);
  } else {
    RawCalls raw;  // the OS thread behind a lab::Thread is the lab's, not the student's
    obj->os_thread = new std::thread([t] {
      SetSelf(t);
      RunThreadBody(t);
      OnThreadExit(t);
    });
  }
  return obj;
}

void JoinThread(ObjectState* obj, const Loc& loc) {
  ThreadState* self = Self();
  SiteRef site = Fix(self, loc);
  ThreadPoint(self, OpCode::kJoin, obj, site);
  ThreadState* t = obj->thread;
  std::thread* th = nullptr;
  {
    RtGuard g;
    // Joiners in progress: a buggy program may join one lab::Thread from two threads at
    // once; the last one out frees the object, and only one joins the OS thread.
    obj->joiners++;
    while (!t->finished) {
      obj->waiters.push_back(self);
      BlockOn(self, obj, WaitKind::kJoin, site, g, std::nullopt);
    }
    Acquire(self, obj);
    t->joined = true;
    th = static_cast<std::thread*>(std::exchange(obj->os_thread, nullptr));
  }
  if (th != nullptr) {
    RawCalls raw;
    th->join();
    delete th;
  }
  // The ThreadState stays with its run (reports name it); the object goes. A controlled
  // run keeps it until the schedule ends (its trace names it), then reuses it.
  bool last = false;
  {
    RtGuard g;
    last = --obj->joiners == 0 && !obj->destroyed;
    if (last) {
      obj->destroyed = true;
      t->thread_obj = nullptr;
    }
  }
  if (!last) return;
  Run* run = self->run;
  if (run->mode == RunMode::kControlled) {
    run->sched->Bury(obj);
  } else {
    delete obj;
  }
}

void AbandonThread(ObjectState* obj, const Loc& loc) {
  ThreadState* self = PeekSelf();
  if (self != nullptr && InControlledRun() && self->run->sched->aborting()) return;
  {
    RtGuard g;
    Finding f;
    f.kind = FindingKind::kThreadNotJoined;
    std::string where = SiteText(obj->decl);
    f.message = "thread '" + NameOf(obj) + "' (started at " + where +
                ") was never joined; the lab joins it when its lab::Thread is destroyed";
    f.threads = {NameOf(obj)};
    f.objects = {NameOf(obj)};
    f.sites = {ToSource(obj->decl)};
    f.steps = {{NameOf(obj), "started, never joined", NameOf(obj),
                ToSource(obj->decl), {}}};
    AddFinding(std::move(f));
  }
  JoinThread(obj, loc);
}

void SleepOp(Nanos d, const Loc& loc) {
  ThreadState* self = Self();
  SiteRef site = Fix(self, loc);
  Point(self, OpCode::kSleep, nullptr, site);
  if (d < Nanos::zero()) d = Nanos::zero();
  {
    RtGuard g;
    self->span_ns += d.count();
    self->run->work_ns += d.count();
  }
  if (self->run->mode == RunMode::kControlled) {
    self->run->sched->Sleep(self, d.count());
  } else {
    // Stress runs keep the order sleeps impose, at 1/100 of the time (at most 2 ms), so a
    // budget of real runs stays short. The real sleep is the lab's own (raw_calls.h): the
    // std:: dialect's nanosleep must not take it for the student's and sleep again.
    RawCalls raw;
    std::this_thread::sleep_for(StressActive() ? std::min<Nanos>(d / 100, std::chrono::milliseconds(2)) : d);
  }
}

void YieldOp(const Loc& loc) {
  ThreadState* self = Self();
  SiteRef site = Fix(self, loc);
  Point(self, OpCode::kYield, nullptr, site);
  if (self->run->mode != RunMode::kControlled) std::this_thread::yield();
}

SiteRef SayOp(std::string_view words, SiteRef site) {
  ThreadState* self = Self();
  // No call of the code under test on the stack (the spec itself reports what a method of
  // the solution did when it returned): the event belongs at the thread's last line in it.
  if (site.known()) {
    self->last_site = site;
  } else {
    site = self->last_site;
  }
  if (self->run->mode == RunMode::kControlled) {
    self->run->sched->Say(self, words, site);
  } else {
    Point(self, OpCode::kSay, nullptr, site);
  }
  return site;
}

void ChargeOp(Nanos d, const Loc& loc) {
  ThreadState* self = Self();
  Fix(self, loc);
  RtGuard g;
  self->span_ns += d.count();
  self->run->work_ns += d.count();
}

std::string_view CurrentThreadName() { return Self()->name; }

Nanos NowOp() {
  if (InControlledRun()) return Nanos(CurrentRun()->sched->now_ns());
  return std::chrono::duration_cast<Nanos>(std::chrono::steady_clock::now() - ProcessStart());
}

}  // namespace lab::internal
