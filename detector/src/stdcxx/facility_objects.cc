// facility_objects.cc — see facility_objects.h.
#include "facility_objects.h"
#include "spin.h"

#include <algorithm>
#include <atomic>
#include <string>
#include <unordered_map>

#include "no_throw.h"
#include "std_tls.h"

namespace lab::internal::stdcxx {
namespace {

// One map per kind of object (a stack address may hold a semaphore in one run and a
// barrier in the next): [1] barriers, [2] latches; semaphores are g_sems below. Spin lock:
// see object_map.cc.
std::atomic<bool> g_busy{false};
std::unordered_map<const volatile void*, ObjectState*>* g_objects[3];

// A std::counting_semaphore's count as the lab left it (facility_objects.h
// AfterFacilityAtomic), per address: `s` is the semaphore there now. Its count changes only
// through the atomics the lab runs under the runtime lock, so a count that differs from
// `last` there was stored by something else: the constructor of a new semaphore at the
// address (a stack slot or a block used again). Entries are never erased (stable).
// Written under the runtime lock; atomic (relaxed) for CurrentSemaphore's first look,
// which takes no lock.
struct SemEntry {
  std::atomic<ObjectState*> s{nullptr};
  std::atomic<int> last{0};
  std::atomic<std::uint64_t> gen{0};  // the run `last` belongs to (0: none yet)
};
std::unordered_map<const volatile void*, SemEntry>* g_sems;

// The entry of this OS thread's last semaphore operation: its AfterFacilityAtomic and the
// next operation on the same address find it without the map (entries are never erased,
// and an address keeps its entry).
struct LastSem {
  const volatile void* addr = nullptr;
  SemEntry* e = nullptr;
};
constinit LAB_STD_TLS LastSem tls_last_sem;

struct SpinGuard {
  SpinGuard() {
    SpinAcquire(g_busy);
  }
  ~SpinGuard() { g_busy.store(false, std::memory_order_release); }
};

ObjectState* Find(int map, const volatile void* addr) {
  SpinGuard g;
  if (g_objects[map] == nullptr) {
    g_objects[map] = new std::unordered_map<const volatile void*, ObjectState*>;
  }
  auto it = g_objects[map]->find(addr);
  return it == g_objects[map]->end() ? nullptr : it->second;
}

ObjectState* ObjectFor(int map, const volatile void* addr, ObjKind kind, const char* std_type,
                       std::uintptr_t pc, int initial) {
  if (ObjectState* s = Find(map, addr)) return s;
  const Loc decl = LocFor(pc);
  ObjectState* fresh = NewStdObject(kind, std_type, GlobalName(const_cast<const void*>(addr)),
                                    decl, initial);
  ObjectState* s;
  {
    SpinGuard g;
    s = g_objects[map]->emplace(addr, fresh).first->second;
  }
  if (s != fresh) NoThrow([&] { DeleteObject(fresh, decl); });  // another thread won
  return s;
}

SemEntry* FindSem(const volatile void* addr) {
  SpinGuard g;
  if (g_sems == nullptr) g_sems = new std::unordered_map<const volatile void*, SemEntry>;
  auto it = g_sems->find(addr);
  return it == g_sems->end() ? nullptr : &it->second;
}

SemEntry* SemEntryFor(const volatile void* addr, std::uintptr_t pc, int initial) {
  if (SemEntry* e = FindSem(addr)) return e;
  const Loc decl = LocFor(pc);
  ObjectState* fresh = NewStdObject(ObjKind::kSemaphore, "std::counting_semaphore",
                                    GlobalName(const_cast<const void*>(addr)), decl, initial);
  SemEntry* e;
  bool inserted;
  {
    SpinGuard g;
    auto it = g_sems->try_emplace(addr).first;
    inserted = it->second.s == nullptr;
    if (inserted) it->second.s = fresh;
    e = &it->second;
  }
  if (!inserted) NoThrow([&] { DeleteObject(fresh, decl); });  // another thread won
  return e;
}

// Whether a thread of `run` holds a permit of `s` (sem_held): its semaphore stays.
bool PermitsHeld(const Run* run, const ObjectState* s) {
  for (const auto& t : run->threads) {
    for (const ObjectState* h : t->sem_held) {
      if (h == s) return true;
    }
  }
  return false;
}

int CountAt(const volatile void* addr) {
  return __atomic_load_n(static_cast<const volatile int*>(addr), __ATOMIC_SEQ_CST);
}

// The semaphore at `e`, a new one when the count was stored since the lab's last operation
// on it in this run (a new std::counting_semaphore constructed there): its own lock-order
// node and permits (`initial`: the count now), so a pool of three permits at a stack slot
// does not make the one-permit gate constructed there next a non-gate. The old one stays
// while a thread holds a permit of it or waits on it (held lists point at it).
ObjectState* CurrentSemaphore(ThreadState* self, SemEntry* e, const volatile void* addr,
                              std::uintptr_t pc) {
  Run* run = self->run;
  // First look, without the lock: the count as the lab left it (or the run's first use).
  // A count that differs may be another thread's operation in progress: the lock decides.
  if (e->gen.load(std::memory_order_relaxed) != run->gen ||
      CountAt(addr) == e->last.load(std::memory_order_relaxed)) [[likely]] {
    return e->s.load(std::memory_order_acquire);
  }
  ObjectState* old;
  int now;
  {
    RtGuard g;
    old = e->s;
    if (e->gen != run->gen || old->gen != run->gen) return old;  // its first use in this run
    now = CountAt(addr);
    if (now == e->last || PermitsHeld(run, old) || !old->waiters.empty()) return old;
  }
  ObjectState* fresh =
      NewStdObject(ObjKind::kSemaphore, "std::counting_semaphore",
                   GlobalName(const_cast<const void*>(addr)), LocFor(pc), now < 0 ? 0 : now);
  ObjectState* gone = fresh;
  {
    RtGuard g;
    // Another thread may have renewed it, or operated on it, meanwhile.
    if (e->s == old && e->gen == run->gen && CountAt(addr) != e->last) {
      e->s = fresh;
      e->last = CountAt(addr);
      gone = old;
    }
  }
  NoThrow([&] { DeleteObject(gone, LocFor(pc)); });
  RtGuard g;
  return e->s;
}

}  // namespace

ObjectState* FacilityObjectFor(ThreadState* self, StdFacility facility, const volatile void* addr,
                               std::uintptr_t pc, int value_before) {
  switch (facility) {
    case StdFacility::kNone:
    case StdFacility::kSemWait:  // reads the count for its futex wait (futex.cc)
    case StdFacility::kBarrierInternal:  // named only (tsan_atomics.cc)
    case StdFacility::kSpAtomicUnlock:   // a memory order only (tsan_atomics.cc)
    case StdFacility::kCondVarAny:       // named only (object_map.cc StdTypeAt)
    case StdFacility::kSpCount:
    case StdFacility::kFutureState:
      return nullptr;
    case StdFacility::kSemAcquire:
    case StdFacility::kSemRelease: {
      SemEntry* e = tls_last_sem.addr == addr ? tls_last_sem.e
                                              : SemEntryFor(addr, pc, value_before);
      tls_last_sem = LastSem{addr, e};
      ObjectState* s = CurrentSemaphore(self, e, addr, pc);
      if (s->gen != self->run->gen) {
        // The first operation of this run on the semaphore: its count now is the count it
        // was constructed with (objects outlive runs; a stack address is reused).
        RtGuard g;
        s->initial = value_before < 0 ? 0 : value_before;
        Touch(s, self->run);
      }
      return s;
    }
    case StdFacility::kBarrierArrive:
      return ObjectFor(1, addr, ObjKind::kBarrier, "std::barrier", pc, 0);
    case StdFacility::kLatch:  // named and seen (LAB_FORBID), nothing else
      return ObjectFor(2, addr, ObjKind::kBarrier, "std::latch", pc, 0);
  }
  return nullptr;
}

void AfterFacilityAtomic(ThreadState* self, StdFacility facility, ObjectState* s,
                         const volatile void* addr, bool wrote) {
  if (s == nullptr) return;
  if (facility == StdFacility::kSemAcquire || facility == StdFacility::kSemRelease) {
    SemEntry* e = tls_last_sem.addr == addr ? tls_last_sem.e : FindSem(addr);
    if (e != nullptr) {  // the count as this operation left it
      e->last.store(CountAt(addr), std::memory_order_relaxed);
      e->gen.store(self->run->gen, std::memory_order_relaxed);
    }
  }
  if (!wrote) return;
  auto& held = self->sem_held;
  if (facility == StdFacility::kSemAcquire) {
    // The CAS of _S_do_try_acquire succeeded: one permit taken (its load writes nothing).
    held.push_back(s);
  } else if (facility == StdFacility::kSemRelease) {
    // As lab::Semaphore's release: a permit this thread holds is given back, whatever the
    // update (release(n) of a thread holding one drops that one).
    auto it = std::find(held.begin(), held.end(), s);
    if (it != held.end()) held.erase(it);
  }
}

void CheckSemaphoreRelease(ThreadState* self, ObjectState* s, std::int64_t max, int old,
                           int now, SiteRef site) {
  if (s == nullptr || max < 0 || now <= max) return;
  const std::string type = "std::counting_semaphore<" + std::to_string(max) + ">";
  Finding f;
  f.kind = FindingKind::kSemaphoreOverRelease;
  // A global has its name; another semaphore is named by where it was first used.
  const std::string what = !s->given_name.empty() ? "'" + NameOf(s) + "'"
                                                  : "the semaphore first used at " + NameOf(s);
  f.message = "thread '" + self->name + "' released " + what + " at " + SiteText(site) +
              " while its count was already " + std::to_string(old) + ", the most a " + type +
              (max == 1 ? " (std::binary_semaphore)" : "") +
              " can hold: undefined behaviour in C++ (release() requires count + update <= "
              "max())" +
              (max == 1 ? "; a binary_semaphore is not a flag you can set twice: release it "
                          "once per acquire"
                        : "; release it once per acquire");
  f.threads = {self->name};
  f.objects = {NameOf(s)};
  f.sites = {ToSource(site)};
  f.steps = {{self->name, "over-releases", NameOf(s), ToSource(site), {}}};
  AddFinding(std::move(f));
}

}  // namespace lab::internal::stdcxx
