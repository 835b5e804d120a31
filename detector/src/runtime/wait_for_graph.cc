// wait_for_graph.cc — deadlock cycles and stalls.
#include "wait_for_graph.h"

#include <algorithm>

namespace lab::internal {
namespace {

const char* KindWord(ObjKind k) {
  switch (k) {
    case ObjKind::kMutex: return "Mutex";
    case ObjKind::kRLock: return "RLock";
    case ObjKind::kSharedMutex: return "SharedMutex";
    case ObjKind::kCondVar: return "CondVar";
    case ObjKind::kSemaphore: return "Semaphore";
    case ObjKind::kBoundedSemaphore: return "BoundedSemaphore";
    case ObjKind::kEvent: return "Event";
    case ObjKind::kBarrier: return "Barrier";
    case ObjKind::kThread: return "thread";
    case ObjKind::kShared: return "Shared";
    case ObjKind::kAtomic: return "Atomic";
    case ObjKind::kFutex: return "futex wait";
  }
  return "object";
}

// Owners of an owned object, from the point of view of a waiter of `kind`.
std::vector<ThreadState*> Owners(ObjectState* obj, WaitKind kind) {
  std::vector<ThreadState*> out;
  if (kind == WaitKind::kJoin) {
    if (obj->thread != nullptr && !obj->thread->finished) out.push_back(obj->thread);
    return out;
  }
  if (ThreadState* o = obj->owner.load()) out.push_back(o);
  if (kind == WaitKind::kLock && obj->kind == ObjKind::kSharedMutex) {
    for (ThreadState* r : obj->reader_threads) out.push_back(r);
  }
  return out;
}

struct Edge {
  ThreadState* waiter;
  ObjectState* obj;
  WaitKind kind;
  SiteRef site;
  ThreadState* owner;
};

bool Dfs(ThreadState* target, ThreadState* cur, ObjectState* obj, WaitKind kind, SiteRef site,
         std::vector<Edge>& path, std::vector<ThreadState*>& seen) {
  for (ThreadState* o : Owners(obj, kind)) {
    path.push_back({cur, obj, kind, site, o});
    if (o == target) return true;
    if (std::find(seen.begin(), seen.end(), o) == seen.end()) {
      seen.push_back(o);
      ObjectState* next = o->waiting_on.load();
      if (next != nullptr && IsOwnedWait(o->wait_kind) && !o->timed_wait &&
          Dfs(target, o, next, o->wait_kind, o->wait_site, path, seen)) {
        return true;
      }
    }
    path.pop_back();
  }
  return false;
}

SiteRef HeldSite(ThreadState* t, ObjectState* obj) {
  for (const auto& h : t->held) {
    if (h.obj == obj) return h.site;
  }
  return obj->acquired_site;
}

Finding CycleFinding(const std::vector<Edge>& path) {
  Finding f;
  f.kind = FindingKind::kDeadlock;
  std::string msg;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const Edge& e = path[i];
    f.threads.push_back(ThreadName(e.waiter));
    f.objects.push_back(NameOf(e.obj));
    f.sites.push_back(ToSource(e.site));
    // What the waiter holds that the previous thread of the cycle wants.
    const Edge& prev = path[(i + path.size() - 1) % path.size()];
    if (prev.kind != WaitKind::kJoin) {
      FindingStep hold{ThreadName(e.waiter), "holds", NameOf(prev.obj), {},
                       ToSource(HeldSite(e.waiter, prev.obj))};
      f.steps.push_back(hold);
    }
    FindingStep wait{ThreadName(e.waiter), e.kind == WaitKind::kJoin ? "joins" : "waits for",
                     NameOf(e.obj), ToSource(e.site), {}};
    f.steps.push_back(wait);
    if (!msg.empty()) msg += ", which ";
    msg += (i == 0 ? "thread '" + ThreadName(e.waiter) + "' " : std::string()) +
           (e.kind == WaitKind::kJoin ? "joins " : "waits for ") + Describe(e.obj) +
           (e.kind == WaitKind::kJoin ? "" : " held by '" + ThreadName(e.owner) + "'");
  }
  if (path.size() == 1 && path[0].kind == WaitKind::kJoin) {
    msg = "thread '" + ThreadName(path[0].waiter) + "' joins itself";
  }
  f.message = msg;
  return f;
}

}  // namespace

std::string Describe(ObjectState* obj) {
  if (obj == nullptr) return "nothing";
  if (obj->kind == ObjKind::kThread) return "thread '" + NameOf(obj) + "'";
  // A futex queue's name says what waits there ("std::latch::wait on 'done'").
  if (obj->kind == ObjKind::kFutex) return NameOf(obj);
  const char* type = obj->std_type != nullptr ? obj->std_type : KindWord(obj->kind);
  return std::string(type) + " '" + NameOf(obj) + "'";
}

std::optional<Finding> FindDeadlock(ThreadState* self, ObjectState* obj, WaitKind kind,
                                    SiteRef site) {
  if (!IsOwnedWait(kind)) return std::nullopt;
  // Fast path without allocation: locks and joins have one owner, so the wait-for graph
  // is a chain; only a chain that comes back to `self` needs the full search.
  {
    ObjectState* o = obj;
    WaitKind k = kind;
    bool maybe_cycle = false;
    for (std::size_t hops = 0; hops <= self->run->threads.size(); ++hops) {
      if (o->kind == ObjKind::kSharedMutex) {
        maybe_cycle = true;  // several owners (readers): search properly
        break;
      }
      ThreadState* owner =
          k == WaitKind::kJoin ? (o->thread && !o->thread->finished ? o->thread : nullptr)
                               : o->owner.load();
      if (owner == nullptr) break;
      if (owner == self) {
        maybe_cycle = true;
        break;
      }
      ObjectState* next = owner->waiting_on.load();
      if (next == nullptr || !IsOwnedWait(owner->wait_kind) || owner->timed_wait) break;
      o = next;
      k = owner->wait_kind;
    }
    if (!maybe_cycle) return std::nullopt;
  }
  std::vector<Edge> path;
  std::vector<ThreadState*> seen{self};
  if (!Dfs(self, self, obj, kind, site, path, seen)) return std::nullopt;
  return CycleFinding(path);
}

Finding MakeStallFinding(Run* run) {
  // A cycle among the blocked threads explains it as a deadlock.
  for (auto& t : run->threads) {
    if (t->finished) continue;
    ObjectState* obj = t->waiting_on.load();
    if (obj == nullptr || !IsOwnedWait(t->wait_kind)) continue;
    std::vector<Edge> path;
    std::vector<ThreadState*> seen{t.get()};
    if (Dfs(t.get(), t.get(), obj, t->wait_kind, t->wait_site, path, seen)) {
      return CycleFinding(path);
    }
  }
  Finding f;
  f.kind = FindingKind::kStall;
  std::string who;
  for (auto& t : run->threads) {
    if (t->finished) continue;
    ObjectState* obj = t->waiting_on.load();
    f.threads.push_back(t->name);
    std::string what = obj != nullptr ? Describe(obj) : "nothing it can wake from";
    if (obj != nullptr) f.objects.push_back(NameOf(obj));
    if (t->wait_site.known()) f.sites.push_back(ToSource(t->wait_site));
    const char* verb = t->wait_kind == WaitKind::kJoin ? "joins" : "waits for";
    FindingStep step{t->name, verb, obj != nullptr ? NameOf(obj) : what, ToSource(t->wait_site), {}};
    if (IsOwnedWait(t->wait_kind) && obj != nullptr && obj->kind != ObjKind::kThread) {
      if (ThreadState* o = obj->owner.load()) step.action += " (held by '" + o->name + "')";
    }
    f.steps.push_back(step);
    if (!who.empty()) who += "; ";
    who += "'" + t->name + "' " + verb + " " + what;
  }
  f.message = "every thread is blocked and nothing can wake them: " + who;
  return f;
}

}  // namespace lab::internal
