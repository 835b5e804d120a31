// object_map.cc — see object_map.h. A striped hash map: one spin lock per stripe (a
// pthread mutex here would route back into the interposers).
#include "object_map.h"

#include <atomic>
#include <string_view>
#include <unordered_map>

#include "runtime.h"
#include "sites.h"

namespace lab::internal::stdcxx {
namespace {

constexpr std::size_t kStripes = 64;
struct Stripe {
  std::atomic<bool> busy{false};
  std::unordered_map<const void*, ObjectState*> map;
  void lock() {
    while (busy.exchange(true, std::memory_order_acquire)) __builtin_ia32_pause();
  }
  void unlock() { busy.store(false, std::memory_order_release); }
};

Stripe* Stripes() {
  static Stripe* s = new Stripe[kStripes];
  return s;
}
Stripe& StripeOf(const void* addr) {
  return Stripes()[(reinterpret_cast<std::uintptr_t>(addr) >> 3) % kStripes];
}

}  // namespace

std::atomic<std::uint64_t> g_object_version{1};
constinit LAB_TLS ObjectFrontSlot tls_object_front[kObjectFrontSlots];

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

ObjectState* FindObjectSlow(const void* addr) {
  ObjectFrontSlot& front = ObjectFrontOf(addr);
  // Read before the map: a change after this makes the entry stale, never a stale entry new.
  const std::uint64_t version = g_object_version.load(std::memory_order_acquire);
  Stripe& st = StripeOf(addr);
  st.lock();
  auto it = st.map.find(addr);
  ObjectState* s = it == st.map.end() ? nullptr : it->second;
  st.unlock();
  if (s != nullptr) front = ObjectFrontSlot{addr, s, version};
  return s;
}

void RenameForRun(ObjectState* s, std::uintptr_t pc) {
  if (s->given_name.empty()) s->decl = SiteFor(pc);
}

ObjectState* ObjectAtSlow(const void* addr, ObjKind kind, std::uintptr_t pc,
                          const char* std_type) {
  if (ObjectState* s = FindObject(addr)) {
    ObjectMetAgain(s, pc);
    return s;
  }
  // Created outside the stripe lock: NewObject takes the runtime lock and may allocate.
  ObjectState* fresh = NewStdObject(kind, std_type != nullptr ? std_type : StdTypeOf(kind),
                                    GlobalName(addr), LocFor(pc));
  Stripe& st = StripeOf(addr);
  st.lock();
  auto [it, inserted] = st.map.emplace(addr, fresh);
  ObjectState* s = it->second;
  st.unlock();
  if (!inserted) DeleteObject(fresh, LocFor(pc));  // another thread won the race
  return s;
}

ObjectState* ForgetObject(const void* addr) {
  Stripe& st = StripeOf(addr);
  st.lock();
  ObjectState* s = nullptr;
  auto it = st.map.find(addr);
  if (it != st.map.end()) {
    s = it->second;
    st.map.erase(it);
    g_object_version.fetch_add(1, std::memory_order_acq_rel);
  }
  st.unlock();
  return s;
}

ObjectState* BindObject(const void* addr, ObjectState* s) {
  Stripe& st = StripeOf(addr);
  st.lock();
  ObjectState*& slot = st.map[addr];
  ObjectState* old = slot;
  slot = s;
  g_object_version.fetch_add(1, std::memory_order_acq_rel);
  st.unlock();
  return old;
}

}  // namespace lab::internal::stdcxx
