// object_map.cc — see object_map.h. A striped hash map: one spin lock per stripe (a
// pthread mutex here would route back into the interposers).
#include "object_map.h"
#include "spin.h"

#include <atomic>
#include <cstdlib>
#include <set>
#include <string_view>
#include <unordered_map>

#include "allocation.h"
#include "raw_calls.h"
#include "runtime.h"
#include "sites.h"
#include "std_tls.h"
#include "sync_real.h"

namespace lab::internal::stdcxx {
namespace {

constexpr std::size_t kStripes = 64;
struct Stripe {
  std::atomic<bool> busy{false};
  std::unordered_map<const void*, ObjectState*> map;
  // Its map's allocations and frees are the lab's own (allocation.h): a free's hook that
  // looked an address up here would wait for the stripe this thread holds.
  void lock() {
    ++tls_quiet_allocations;
    SpinAcquire(busy);
  }
  void unlock() {
    busy.store(false, std::memory_order_release);
    --tls_quiet_allocations;
  }
};

Stripe* Stripes() {
  static Stripe* s = new Stripe[kStripes];
  return s;
}
Stripe& StripeOf(const void* addr) {
  return Stripes()[(reinterpret_cast<std::uintptr_t>(addr) >> 3) % kStripes];
}

// A retired entry (RetireObject): the map's value with its low bit set. Every lookup
// answers as if the address had no object; StampedObjectAtSlow gives the object back to the
// same kind of object constructed there in a later schedule (ReviveRetired); anything else
// met at the address replaces it, and the object is then deleted.
constexpr std::uintptr_t kRetiredBit = 1;
bool IsRetired(const ObjectState* v) {
  return (reinterpret_cast<std::uintptr_t>(v) & kRetiredBit) != 0;
}
ObjectState* Untagged(ObjectState* v) {
  return reinterpret_cast<ObjectState*>(reinterpret_cast<std::uintptr_t>(v) & ~kRetiredBit);
}
ObjectState* Tagged(ObjectState* s) {
  return reinterpret_cast<ObjectState*>(reinterpret_cast<std::uintptr_t>(s) | kRetiredBit);
}

// Every address the map holds, in order, so that a block operator new hands out can find
// the objects of the block freed there before (ForgetObjectsIn). Allocated with malloc: an
// allocation through operator new would come back into ForgetObjectsIn under its lock.
template <class T>
struct MallocAllocator {
  using value_type = T;
  MallocAllocator() = default;
  template <class U>
  MallocAllocator(const MallocAllocator<U>&) {}
  T* allocate(std::size_t n) {
    void* p = std::malloc(n * sizeof(T));
    if (p == nullptr) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t) { std::free(p); }
  template <class U>
  bool operator==(const MallocAllocator<U>&) const { return true; }
};
struct Ordered {
  std::atomic<bool> busy{false};
  std::set<const void*, std::less<>, MallocAllocator<const void*>> addrs;
  // Addresses inside a block operator new handed out again: their objects died with the
  // freed block (ForgetObjectsIn) and are retired at their next lookup (RetireIfStale).
  std::set<const void*, std::less<>, MallocAllocator<const void*>> stale;
  // Its sets allocate and free under the lock: those are the lab's own (allocation.h), or
  // the hooks would come back here and wait for the lock this thread holds.
  void lock() {
    ++tls_quiet_allocations;
    SpinAcquire(busy);
  }
  void unlock() {
    busy.store(false, std::memory_order_release);
    --tls_quiet_allocations;
  }
};
Ordered& OrderedAddrs() {
  static Ordered* o = new Ordered;
  return *o;
}
std::atomic<std::size_t> g_stale_count{0};

// The 4 KiB pages that ever held an address of the map, as bits of a table indexed by a
// hash of the page number (never cleared; two pages may share a bit): a block none of whose
// pages has its bit set holds no object, and ForgetObjectsIn returns without the lock (the
// common case: operator new's blocks are heap pages, a program's mutexes mostly live in
// globals, on stacks or in a few heap objects).
constexpr std::size_t kPageBits = std::size_t{1} << 16;
std::atomic<std::uint64_t> g_object_pages[kPageBits / 64];
std::size_t PageBit(std::uintptr_t page) {
  return static_cast<std::size_t>((page * 0x9E3779B97F4A7C15ull) >> 48);
}
void NotePage(const void* addr) {
  const std::size_t b = PageBit(reinterpret_cast<std::uintptr_t>(addr) >> 12);
  g_object_pages[b / 64].fetch_or(std::uint64_t{1} << (b % 64), std::memory_order_relaxed);
}
// Whether a page of [begin, begin + size) may hold an address of the map.
bool MayHoldObjects(std::uintptr_t begin, std::size_t size) {
  const std::uintptr_t first = begin >> 12, last = (begin + size - 1) >> 12;
  if (last - first >= 16) return true;  // a large block: the ordered set decides
  for (std::uintptr_t page = first; page <= last; ++page) {
    const std::size_t b = PageBit(page);
    if ((g_object_pages[b / 64].load(std::memory_order_relaxed) >> (b % 64)) & 1) return true;
  }
  return false;
}

void NoteAddr(const void* addr) {
  NotePage(addr);  // before the insert: a ForgetObjectsIn that sees the address sees the bit
  Ordered& o = OrderedAddrs();
  o.lock();
  if (o.addrs.insert(addr).second) g_ordered_count.fetch_add(1, std::memory_order_relaxed);
  o.unlock();
}
void DropAddr(const void* addr) {
  Ordered& o = OrderedAddrs();
  o.lock();
  if (o.addrs.erase(addr) != 0) g_ordered_count.fetch_sub(1, std::memory_order_relaxed);
  o.unlock();
}

bool TakeStale(const void* addr) {
  Ordered& o = OrderedAddrs();
  o.lock();
  const bool was = o.stale.erase(addr) != 0;
  if (was) g_stale_count.store(o.stale.size(), std::memory_order_relaxed);
  o.unlock();
  return was;
}

}  // namespace

std::atomic<std::size_t> g_ordered_count{0};
std::atomic<std::uint64_t> g_object_version{1};
constinit LAB_STD_TLS ObjectFrontSlot tls_object_front[kObjectFrontSlots];

const char* StdTypeOf(ObjKind kind) {
  switch (kind) {
    case ObjKind::kMutex: return "std::mutex";
    case ObjKind::kRLock: return "std::recursive_mutex";
    case ObjKind::kSharedMutex: return "std::shared_mutex";
    case ObjKind::kCondVar: return "std::condition_variable";
    case ObjKind::kSemaphore:
    case ObjKind::kBoundedSemaphore: return "std::counting_semaphore";
    case ObjKind::kBarrier: return "std::barrier";
    case ObjKind::kThread: return "std::thread";
    case ObjKind::kAtomic: return "std::atomic";
    default: return "std:: object";  // no single standard type (kEvent, kShared, ...)
  }
}

void NoteTimedUse(ObjectState* s) {
  RtGuard g;  // std_type is read under it (messages)
  const char* t = s->std_type;
  if (t == nullptr) return;
  const std::string_view type(t);
  if (type == "std::mutex") {
    s->std_type = "std::timed_mutex";
  } else if (type == "std::recursive_mutex") {
    s->std_type = "std::recursive_timed_mutex";
  } else if (type == "std::shared_mutex") {
    s->std_type = "std::shared_timed_mutex";
  }
}

// The object of a freed block's address, met again in the block that reuses it: forgotten
// and deleted, so the new memory gets a new object. One still held or waited for (a lock
// freed while locked: undefined behaviour) stays: held lists and queues point at it.
void RetireStale(const void* addr) {
  ObjectState* s = nullptr;
  {
    Stripe& st = StripeOf(addr);
    st.lock();
    auto it = st.map.find(addr);
    if (it != st.map.end()) s = it->second;
    st.unlock();
  }
  if (s == nullptr) return;
  if (!IsRetired(s)) {
    RtGuard g;
    if (s->owner.load() != nullptr || s->readers > 0 || !s->waiters.empty() ||
        s->held_refs.load() > 0) {
      return;
    }
  }
  if (ObjectState* gone = ForgetObject(addr)) {
    InLab in_lab;
    DeleteObject(gone, Loc{});
  }
}

ObjectState* FindObjectSlow(const void* addr) {
  if (g_stale_count.load(std::memory_order_relaxed) != 0 && TakeStale(addr)) [[unlikely]] {
    RetireStale(addr);
  }
  ObjectFrontSlot& front = ObjectFrontOf(addr);
  // Read before the map: a change after this makes the entry stale, never a stale entry new.
  const std::uint64_t version = g_object_version.load(std::memory_order_acquire);
  Stripe& st = StripeOf(addr);
  st.lock();
  auto it = st.map.find(addr);
  ObjectState* s = it == st.map.end() || IsRetired(it->second) ? nullptr : it->second;
  st.unlock();
  if (s != nullptr) front = ObjectFrontSlot{addr, s, version};
  return s;
}

namespace {
// What an object first used in a standard facility's own code is called (sites.h
// kCondVarAny, kSpCount, kFutureState), by the kind the lab keeps it as: a
// std::condition_variable_any's condition variable (at the object's own address) and its
// own mutex; a shared_ptr's count; a future's shared state. Null: no such part.
constexpr const char* kCvAny = "std::condition_variable_any";
constexpr const char* kCvAnyMutex = "std::condition_variable_any's mutex";
constexpr const char* kSpCountType = "std::shared_ptr's count";
constexpr const char* kFutureType = "std::future's state";
const char* FacilityPart(StdFacility facility, ObjKind kind) {
  if (facility == StdFacility::kCondVarAny) {
    switch (kind) {
      case ObjKind::kCondVar: return kCvAny;
      case ObjKind::kMutex: return kCvAnyMutex;
      default: return nullptr;
    }
  }
  if (facility == StdFacility::kSpCount && kind == ObjKind::kAtomic) return kSpCountType;
  if (facility == StdFacility::kFutureState && kind == ObjKind::kAtomic) return kFutureType;
  return nullptr;
}
bool IsFacilityPart(const char* type) {
  return type == kCvAny || type == kCvAnyMutex || type == kSpCountType || type == kFutureType;
}
}  // namespace

const char* StdTypeAt(ObjKind kind, std::uintptr_t pc) {
  if (NamedPartsSeen()) {
    if (const char* part = FacilityPart(FacilityAt(pc), kind)) return part;
  }
  return StdTypeOf(kind);
}

void RenameForRun(ObjectState* s, std::uintptr_t pc) {
  if (s->given_name.empty()) s->decl = SiteFor(pc);
  // The type follows the first use in each run, as the site does: the address of a
  // condition_variable_any's mutex (a heap block) may hold the student's own std::mutex
  // in another run, and a search's process and its replay's need not reuse it alike.
  if (NamedPartsSeen() && s->std_type != nullptr &&
      (s->kind == ObjKind::kMutex || s->kind == ObjKind::kCondVar ||
       s->kind == ObjKind::kAtomic)) {
    const char* part = FacilityPart(FacilityAt(pc), s->kind);
    const char* type = part != nullptr              ? part
                       : IsFacilityPart(s->std_type) ? StdTypeOf(s->kind)
                                                     : s->std_type;
    if (type != s->std_type) {
      RtGuard g;  // std_type is read under it (messages)
      s->std_type = type;
      s->cached_name.clear();
    }
  }
}

ObjectState* ObjectAtSlow(const void* addr, ObjKind kind, std::uintptr_t pc,
                          const char* std_type) {
  if (ObjectState* s = FindObject(addr)) {
    ObjectMetAgain(s, pc);
    return s;
  }
  // Created outside the stripe lock: NewObject takes the runtime lock and may allocate.
  ObjectState* fresh = NewStdObject(kind, std_type != nullptr ? std_type : StdTypeAt(kind, pc),
                                    GlobalName(addr), LocFor(pc));
  Stripe& st = StripeOf(addr);
  st.lock();
  auto [it, inserted] = st.map.emplace(addr, fresh);
  ObjectState* retired = nullptr;
  if (!inserted && IsRetired(it->second)) {  // another object now lives where one retired
    retired = Untagged(it->second);
    it->second = fresh;
    inserted = true;
  }
  ObjectState* s = it->second;
  st.unlock();
  if (inserted) {
    NoteAddr(addr);
  } else {
    DeleteObject(fresh, LocFor(pc));  // another thread won the race
  }
  if (retired != nullptr) DeleteObject(retired, LocFor(pc));
  return s;
}

namespace {

// Whether `s`, the object at an address whose stamp was overwritten, stays the object
// there for an object of `kind` (object_map.h StampedObjectAt): one of an earlier schedule
// and of that kind (a std::recursive_mutex where an earlier schedule had a std::mutex is a
// new object: kept, its second lock would be a self-deadlock), or one still held or waited
// for.
bool KeepsAddress(ObjectState* s, ObjKind kind) {
  const Run* run = CurrentRun();
  RtGuard g;
  if (s->gen != run->gen) return s->kind == kind;
  return s->owner.load() != nullptr || s->readers > 0 || !s->waiters.empty() ||
         s->held_refs.load() > 0;
}

// The retired object at `addr` (RetireObject) when it belonged to an earlier schedule of
// this run and is of `kind`: the same object constructed again, as a std::mutex at that
// address is kept from schedule to schedule (Touch starts it afresh, ObjectMetAgain renames
// it). The entry is the address's object again; null otherwise.
ObjectState* ReviveRetired(const void* addr, ObjKind kind) {
  const Run* run = CurrentRun();
  Stripe& st = StripeOf(addr);
  st.lock();
  auto it = st.map.find(addr);
  ObjectState* r = nullptr;
  if (it != st.map.end() && IsRetired(it->second)) {
    ObjectState* s = Untagged(it->second);
    // gen changes only on the run's own thread, the one calling here.
    if (s->kind == kind && s->gen != run->gen) {
      it->second = s;
      r = s;
    }
  }
  st.unlock();
  return r;
}

// Makes `fresh` the object at `addr`; returns the one it replaces (none expected: the
// caller holds the address's stamp claim and found none) or null.
ObjectState* InsertObject(const void* addr, ObjectState* fresh) {
  if (g_stale_count.load(std::memory_order_relaxed) != 0) TakeStale(addr);  // see BindObject
  Stripe& st = StripeOf(addr);
  st.lock();
  ObjectState*& slot = st.map[addr];
  ObjectState* old = slot;
  slot = fresh;
  if (old != nullptr && !IsRetired(old)) g_object_version.fetch_add(1, std::memory_order_acq_rel);
  st.unlock();
  if (old == nullptr || IsRetired(old)) NoteAddr(addr);
  return Untagged(old);
}

}  // namespace

ObjectState* StampedObjectAtSlow(const void* addr, std::size_t stamp_at, ObjKind kind,
                                 std::uintptr_t pc, const char* std_type) {
  std::uint64_t* const word = StampWord(addr, stamp_at);
  for (int spins = 0;; ++spins) {
    ObjectState* s = FindObject(addr);
    std::uint64_t seen = __atomic_load_n(word, __ATOMIC_ACQUIRE);
    if (s != nullptr && seen == StampOf(s)) {
      ObjectMetAgain(s, pc);
      return s;
    }
    // An earlier schedule's object of the same kind (every schedule constructs its locals
    // again): stamped again and kept, without a claim (gen changes only on the run's own
    // thread). One of another kind is replaced below (KeepsAddress).
    if (s != nullptr && seen != kStampClaimed && s->gen != CurrentRun()->gen &&
        s->kind == kind) {
      if (__atomic_compare_exchange_n(word, &seen, StampOf(s), false, __ATOMIC_ACQ_REL,
                                      __ATOMIC_ACQUIRE)) {
        ObjectMetAgain(s, pc);
        return s;
      }
      continue;
    }
    // Not (or no longer) marked: the thread whose claim replaces the bytes decides; any
    // other waits for its stamp and looks again. Nothing in between is a scheduling point
    // (one OS thread runs a controlled run: no fiber switch while the claim is held).
    if (seen == kStampClaimed ||
        !__atomic_compare_exchange_n(word, &seen, kStampClaimed, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
      if (spins < 64) {
        __builtin_ia32_pause();
      } else {
        SyncReal().sched_yield();  // the claiming thread may be descheduled (shared cores)
      }
      continue;
    }
    if (ObjectState* r = ReviveRetired(addr, kind)) {
      __atomic_store_n(word, StampOf(r), __ATOMIC_RELEASE);
      ObjectMetAgain(r, pc);
      return r;
    }
    s = FindObject(addr);  // under the claim: what the map holds now
    if (s != nullptr && KeepsAddress(s, kind)) {
      __atomic_store_n(word, StampOf(s), __ATOMIC_RELEASE);
      ObjectMetAgain(s, pc);
      return s;
    }
    InLab in_lab;
    if (s != nullptr) {
      // A new object was constructed over `s`: its lock-order node, clock and name end.
      if (ObjectState* gone = ForgetObject(addr)) DeleteObject(gone, LocFor(pc));
    }
    ObjectState* fresh = NewStdObject(kind, std_type != nullptr ? std_type : StdTypeAt(kind, pc),
                                      GlobalName(addr), LocFor(pc));
    if (ObjectState* old = InsertObject(addr, fresh)) DeleteObject(old, LocFor(pc));
    __atomic_store_n(word, StampOf(fresh), __ATOMIC_RELEASE);
    return fresh;
  }
}

ObjectState* RenewObjectOfKind(const void* addr, ObjectState* old, ObjKind kind,
                               std::uintptr_t pc) {
  {
    RtGuard g;
    if (old->gen == CurrentRun()->gen &&
        (old->owner.load() != nullptr || old->readers > 0 || !old->waiters.empty() ||
         old->held_refs.load() > 0)) {
      return old;
    }
  }
  if (ObjectState* gone = ForgetObject(addr)) DeleteObject(gone, LocFor(pc));
  return ObjectAtSlow(addr, kind, pc, nullptr);
}

ObjectState* ForgetObject(const void* addr) {
  Stripe& st = StripeOf(addr);
  st.lock();
  ObjectState* s = nullptr;
  auto it = st.map.find(addr);
  if (it != st.map.end()) {
    s = it->second;
    st.map.erase(it);
    if (!IsRetired(s)) g_object_version.fetch_add(1, std::memory_order_acq_rel);
  }
  st.unlock();
  if (s != nullptr) DropAddr(addr);
  if (IsRetired(s)) {  // the address had no object already: its parked one ends now
    InLab in_lab;
    DeleteObject(Untagged(s), Loc{});
    return nullptr;
  }
  return s;
}

bool RetireObject(const void* addr, std::size_t stamp_at, ObjKind kind) {
  const Run* run = tls_run;
  if (run == nullptr || run->mode != RunMode::kControlled) return false;
  Stripe& st = StripeOf(addr);
  st.lock();
  auto it = st.map.find(addr);
  ObjectState* s = it == st.map.end() || IsRetired(it->second) ? nullptr : it->second;
  st.unlock();
  std::uint64_t* const word = StampWord(addr, stamp_at);
  if (s == nullptr || s->kind != kind ||
      __atomic_load_n(word, __ATOMIC_ACQUIRE) != StampOf(s)) {
    return false;
  }
  {
    RtGuard g;
    if (s->gen != run->gen || s->owner.load() != nullptr || s->readers > 0 ||
        !s->waiters.empty() || s->held_refs.load() > 0) {
      return false;
    }
  }
  st.lock();
  it = st.map.find(addr);
  const bool retired = it != st.map.end() && it->second == s;
  if (retired) {
    it->second = Tagged(s);
    g_object_version.fetch_add(1, std::memory_order_acq_rel);  // no front answers it now
  }
  st.unlock();
  if (retired) __atomic_store_n(word, 0, __ATOMIC_RELEASE);
  return retired;
}

ObjectState* BindObject(const void* addr, ObjectState* s) {
  // An explicit initialisation begins the object at `addr` anew: a stale mark the address
  // kept from a freed block (ForgetObjectsIn) would retire this new object at its first
  // lookup, and a sem_init'ed count 1 would come back as a fresh count 0.
  if (g_stale_count.load(std::memory_order_relaxed) != 0) TakeStale(addr);
  Stripe& st = StripeOf(addr);
  st.lock();
  ObjectState*& slot = st.map[addr];
  ObjectState* old = slot;
  slot = s;
  g_object_version.fetch_add(1, std::memory_order_acq_rel);
  st.unlock();
  NoteAddr(addr);
  return Untagged(old);
}

void ForgetObjectsIn(std::uintptr_t begin, std::size_t size) {
  if (g_ordered_count.load(std::memory_order_relaxed) == 0) [[likely]] return;
  if (size == 0 || !MayHoldObjects(begin, size)) return;  // no page of it ever held one
  // Only marked here: operator new runs inside the lab's own bookkeeping too (a hash node
  // allocated under a stripe lock, a symbol table under its lock), where forgetting an
  // object would deadlock or change what the caller is in the middle of. The next lookup
  // of the address (FindObjectSlow: the version bump sends every front there) retires it.
  Ordered& o = OrderedAddrs();
  bool marked = false;
  o.lock();
  auto it = o.addrs.lower_bound(reinterpret_cast<const void*>(begin));
  while (it != o.addrs.end() && reinterpret_cast<std::uintptr_t>(*it) < begin + size) {
    marked |= o.stale.insert(*it).second;
    it = o.addrs.erase(it);
    g_ordered_count.fetch_sub(1, std::memory_order_relaxed);
  }
  if (marked) g_stale_count.store(o.stale.size(), std::memory_order_relaxed);
  o.unlock();
  if (marked) g_object_version.fetch_add(1, std::memory_order_acq_rel);
}

void RetireHeldLocksIn(std::uintptr_t begin, std::size_t size, std::uintptr_t pc) {
  if (g_ordered_count.load(std::memory_order_relaxed) == 0) [[likely]] return;
  if (size == 0 || !MayHoldObjects(begin, size)) return;
  // The addresses first (a block holds a few objects at most), then each object on its
  // own: DeleteObject takes the runtime lock, and ForgetObject the map's.
  constexpr std::size_t kMax = 16;
  const void* addrs[kMax];
  std::size_t n = 0;
  Ordered& o = OrderedAddrs();
  o.lock();
  for (auto it = o.addrs.lower_bound(reinterpret_cast<const void*>(begin));
       it != o.addrs.end() && reinterpret_cast<std::uintptr_t>(*it) < begin + size && n < kMax;
       ++it) {
    addrs[n++] = *it;
  }
  o.unlock();
  const Run* run = CurrentRun();
  for (std::size_t i = 0; i < n; ++i) {
    ObjectState* s = FindObject(addrs[i]);
    if (s == nullptr) continue;
    {
      RtGuard g;
      const bool lock = s->kind == ObjKind::kMutex || s->kind == ObjKind::kRLock ||
                        s->kind == ObjKind::kSharedMutex;
      if (!lock || s->gen != run->gen || (s->owner.load() == nullptr && s->readers == 0)) {
        continue;
      }
    }
    InLab in_lab;
    if (ObjectState* gone = ForgetObject(addrs[i])) DeleteObject(gone, LocFor(pc));
  }
}

}  // namespace lab::internal::stdcxx
