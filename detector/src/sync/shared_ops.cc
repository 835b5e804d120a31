// shared_ops.cc — race-checked accesses (lab::Shared) and instrumented atomics.
//
// A Shared access is a scheduling point, then a happens-before check against the
// variable's access history (race_detector.h). In free runs the value itself is guarded by
// a per-variable spin guard so the lab's own code never races, even when the student's
// does (the detector reports the race; TSan sees none in the lab).
#include <algorithm>
#include <cstring>
#include <thread>

#include "runtime.h"
#include "wait_for_graph.h"

namespace lab::internal {
namespace {

void GuardValue(ThreadState* self, ObjectState* s) {
  if (s->access_owner.load(std::memory_order_relaxed) == self) {
    s->access_depth++;
    return;
  }
  ThreadState* expected = nullptr;
  int spins = 0;
  while (!s->access_owner.compare_exchange_weak(expected, self, std::memory_order_acquire)) {
    expected = nullptr;
    if (++spins > 64) std::this_thread::yield();
  }
  s->access_depth = 1;
}

void UnguardValue(ThreadState* self, ObjectState* s) {
  if (s->access_owner.load(std::memory_order_relaxed) != self) return;
  if (--s->access_depth == 0) s->access_owner.store(nullptr, std::memory_order_release);
}

void ReportRace(ThreadState* self, ObjectState* s, SiteRef site, bool write,
                const PriorAccess& prior) {
  RtGuard g;
  Run* run = self->run;
  std::string other = prior.tid < run->threads.size() ? run->threads[prior.tid]->name : "?";
  Finding f;
  f.kind = FindingKind::kDataRace;
  f.message = "on '" + NameOf(s) + "': " + (write ? "write" : "read") + " by '" +
              self->name + "' at " + SiteText(site) + " and " + (prior.is_write ? "write" : "read") +
              " by '" + other + "' at " + SiteText(prior.site) + " are not ordered by any lock or signal";
  f.threads = {other, self->name};
  f.objects = {NameOf(s)};
  f.sites = {ToSource(prior.site), ToSource(site)};
  f.steps = {{other, prior.is_write ? "write" : "read", NameOf(s),
              ToSource(prior.site), {}},
             {self->name, write ? "write" : "read", NameOf(s), ToSource(site),
              {}}};
  AddFinding(std::move(f));
}

// A Shared access after its scheduling point: its cost, then the race check. Returns
// whether it took the value's guard (a free run), which SharedEnd then drops.
bool SharedAfterPoint(ThreadState* self, ObjectState* s, bool write, SiteRef site) {
  Run* run = self->run;
  if (run->shared_access_cost_ns > 0) {
    RtGuard g;
    self->span_ns += run->shared_access_cost_ns;
    run->work_ns += run->shared_access_cost_ns;
  }
  const bool controlled = run->mode == RunMode::kControlled;
  if (!controlled) GuardValue(self, s);
  auto race = write ? s->history.OnWrite(self->tid, self->vc, site)
                    : s->history.OnRead(self->tid, self->vc, site);
  if (race) ReportRace(self, s, site, write, *race);
  return !controlled;
}

// Every access SharedBegin's common case does not take: a free run, an object new to the
// run, a site in a file the cache does not know as the student's (Fix's rules).
[[gnu::noinline]] bool SharedBeginGeneral(ObjectState* s, bool write, const Loc& loc) {
  ThreadState* self = Self();
  Enter(self, s);
  SiteRef site = Fix(self, loc);
  Point(self, write ? OpCode::kWrite : OpCode::kRead, s, site);
  return SharedAfterPoint(self, s, write, site);
}

}  // namespace

// The common case of a controlled run makes no frame here: Enter has nothing to do (the
// object is in the run), Fix's rule for a known student file is to record it as the last
// site, and the rest is a tail call (ControlledSharedAccess: the point and the inline rules).
bool SharedBegin(ObjectState* s, bool write, const Loc& loc) {
  ThreadState* const self = PeekSelf();
  if (self != nullptr && s != nullptr) [[likely]] {
    Run* const run = self->run;
    if (run->mode == RunMode::kControlled && s->gen == run->gen) {
      const SiteRef site = SiteRef::From(loc);
      // The last site's file is a student's (Fix records no other): most accesses come
      // from the file of the thread's previous operation and skip the file-class cache.
      if (site.file == self->last_site.file || KnownStudentFile(site.file)) {
        self->last_site.file = site.file;  // field by field (SiteRef's padding)
        self->last_site.line = site.line;
        return ControlledSharedAccess(self, s, write, site, &SharedAfterPoint);
      }
    }
  }
  return SharedBeginGeneral(s, write, loc);
}

namespace {
// The student's line at each return address an operator without a line of its own came
// from, per OS thread (an address names one line for ever; the hook takes a lock).
struct CallerSlot {
  std::uintptr_t pc = 0;
  SiteRef site;
};
constexpr std::size_t kCallerSlots = 64;
thread_local CallerSlot tls_caller_slots[kCallerSlots];
}  // namespace

void NoteCallerSite(const void* return_address) {
  ThreadState* const self = PeekSelf();
  if (self == nullptr || return_address == nullptr) return;
  // A return address points after the call: pc - 1 lies in the calling instruction.
  const std::uintptr_t pc = reinterpret_cast<std::uintptr_t>(return_address) - 1;
  CallerSlot& slot = tls_caller_slots[(pc ^ (pc >> 7)) % kCallerSlots];
  if (slot.pc != pc) [[unlikely]] {
    LabSlowWork busy;  // a first lookup reads the line table: never a hang of the student's
    slot.site = SiteAtPc(pc);
    slot.pc = pc;
  }
  if (slot.site.known()) self->last_site = slot.site;
}

// Called only after a SharedBegin that took the guard (see hooks.h).
void SharedEnd(ObjectState* s, bool write) {
  (void)write;
  ThreadState* self = PeekSelf();
  if (self == nullptr || self->run->mode == RunMode::kControlled) return;
  UnguardValue(self, s);
}

void AtomicOp(ObjectState* s, bool writes, const Loc& loc) {
  ThreadState* self = Self();
  Enter(self, s);
  SiteRef site = Fix(self, loc);
  Point(self, writes ? OpCode::kAtomicRmw : OpCode::kAtomicLoad, s, site);
  RtGuard g;
  Acquire(self, s);
  if (writes) Release(self, s);
}

}  // namespace lab::internal
