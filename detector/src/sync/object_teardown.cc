// object_teardown.cc — the end of a primitive's object (DeleteObject, hooks.h): a lock
// destroyed while held is a finding; the object leaves the lock-order graph; it is freed
// unless a held list or a waiter still points at it (free runs) or a trace of this
// schedule still names it (controlled runs: the scheduler buries it for reuse).
#include "controlled_scheduler.h"
#include "runtime.h"
#include "wait_for_graph.h"

namespace lab::internal {

void DeleteObject(ObjectState* s, const Loc& where) {
  ThreadState* self = PeekSelf();
  Run* run = tls_run != nullptr ? tls_run : &FreeRun();  // CurrentRun, inline
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
        // A std:: object's end is a line of the student's (a delete, a free, a destroy
        // call): named, with why it is wrong in C++ (the lab:: text stays as it was).
        const SiteRef at = SiteRef::From(where);
        const bool std_end = s->std_type != nullptr && at.known();
        f.message = Describe(s) + " destroyed" + (std_end ? " at " + SiteText(at) : "") +
                    " while thread '" + holder + "' holds it (acquired at " +
                    SiteText(s->acquired_site) + ")";
        if (s->std_type != nullptr) {
          f.message += ": undefined behaviour (C++ and POSIX require a lock to be unlocked "
                       "when it is destroyed); unlock it before the object holding it is "
                       "deleted, freed or goes out of scope";
        }
        f.threads = {holder};
        f.objects = {NameOf(s)};
        f.sites = {ToSource(s->acquired_site)};
        if (std_end) f.sites.push_back(ToSource(at));
        f.steps = {{holder, "holds", NameOf(s), {}, ToSource(s->acquired_site)}};
        if (self != nullptr) {
          f.steps.push_back({self->name, "destroys", NameOf(s),
                             ToSource(std_end ? at : self->last_site), {}});
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

}  // namespace lab::internal
