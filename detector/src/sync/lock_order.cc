// lock_order.cc — lock-order findings: the run's lock-order graph gets an edge held →
// requested before every blocking acquisition (try_lock adds none), and an edge that
// closes a cycle is reported as a lock-order inversion (DESIGN §4). A thread repeating an
// observation it made before skips all of it (EdgeKey's per-thread cache).
#include <algorithm>

#include "lock_internal.h"

namespace lab::internal {
namespace {

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

}  // namespace

LockOrderGraph::Node NodeOf(Run* run, ObjectState* s, int gate_permits) {
  if (!s->lo_node_valid) {
    s->lo_node = run->lock_order.AddNode(gate_permits);
    s->lo_node_valid = true;
    s->fast_lock.store(run->mode == RunMode::kFree &&
                           (s->kind == ObjKind::kMutex || s->kind == ObjKind::kRLock),
                       std::memory_order_relaxed);
    if (run->lock_objects.size() == s->lo_node) {
      run->lock_objects.push_back(s);  // the common case: a new node, one past the last
    } else {
      if (run->lock_objects.size() < s->lo_node) run->lock_objects.resize(s->lo_node + 1, nullptr);
      run->lock_objects[s->lo_node] = s;
    }
  }
  return s->lo_node;
}

void AddLockOrderEdges(ThreadState* self, ObjectState* s, SiteRef site, bool shared) {
  if (self->held.empty()) return;
  const std::uint64_t key = EdgeKey(self, s, site);
  std::uint64_t& slot = self->edge_cache[EdgeSlot(key)];
  if (slot == key) return;
  slot = key;
  self->edge_cache_used = true;
  RtGuard g;
  Run* run = self->run;
  PruneStale(self);
  if (self->held.empty()) return;
  LockOrderGraph::Node to = NodeOf(run, s, 0);
  LockOrderGraph::Observation obs;
  obs.thread = self->tid;
  obs.to_site = site;
  obs.to_shared = shared;
  // A lock held for reading is no gate: many readers can hold it at once.
  for (const auto& h : self->held) {
    if (!h.shared) obs.held.push_back(h.node);
  }
  for (ObjectState* sem : self->sem_held) obs.held.push_back(NodeOf(run, sem, sem->initial));
  for (const auto& h : self->held) {
    if (h.obj == s) continue;
    obs.from_site = h.site;
    obs.from_shared = h.shared;
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

}  // namespace lab::internal
