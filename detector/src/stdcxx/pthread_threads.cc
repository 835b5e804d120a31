// pthread_threads.cc — pthread_create/join/detach as lab threads.
//
// std::thread's constructor and join() call these from inside libstdc++.so. A thread the
// student creates becomes a lab thread (hooks.h SpawnThread): a fiber in controlled runs,
// an OS thread in free runs, with the happens-before edges of creation and join, and the
// creating line (found through the shadow stack) as its site. The pthread_t handed back
// is made from the lab thread's index in its run (thread_registry.h HandleOf: the same in a
// replay), and join() and detach() find the thread by it; handles the lab did
// not make (the lab's own threads, see real_calls.h) go to libc.
// pthread_self() answers with the same handle (identity.cc); threads detached or never
// joined, and the std::thread destroyed while joinable, are reported by lifecycle.cc and
// terminate.cc.
#include <dlfcn.h>
#include <malloc.h>
#include <pthread.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <unordered_map>
#include <vector>
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

#include "no_throw.h"
#include "spin.h"
#include "object_map.h"
#include "plain_memory.h"
#include "real_calls.h"
#include "runtime.h"
#include "sites.h"
#include "thread_registry.h"

namespace lab::internal::stdcxx {
namespace {

struct Started {
  ObjectState* obj = nullptr;
  void* result = nullptr;
  // For thread_registry.h: the run and creator, creation order, pthread_detach.
  std::uint64_t gen = 0;
  ThreadState* creator = nullptr;
  std::uint64_t seq = 0;
  bool detached = false;
};
std::uint64_t g_seq = 0;  // guarded by g_busy

// The bookkeeping of every thread comes from malloc, not operator new: it is the lab's
// memory, never the program's, so the std:: dialect's operator new (plain_memory.cc: fresh
// memory forgets its shadow and its lab objects) has nothing to do for it.
// Blocks of one size (a Started, a map node) are kept on a free list once freed: a
// controlled run creates and joins its threads schedule after schedule, and malloc and
// free cost as much as the rest of this file's work per thread. Kept for the process.
template <std::size_t kBytes>
struct BlockPool {
  static inline std::atomic<bool> busy{false};
  static inline void* head = nullptr;  // guarded by busy; each block's first word links
  static void* Get() {
    SpinAcquire(busy);
    void* p = head;
    if (p != nullptr) head = *static_cast<void**>(p);
    busy.store(false, std::memory_order_release);
    if (p == nullptr) p = std::malloc(kBytes < sizeof(void*) ? sizeof(void*) : kBytes);
    if (p == nullptr) throw std::bad_alloc();
    return p;
  }
  static void Put(void* p) {
    SpinAcquire(busy);
    *static_cast<void**>(p) = head;
    head = p;
    busy.store(false, std::memory_order_release);
  }
};
Started* NewStarted() { return new (BlockPool<sizeof(Started)>::Get()) Started; }
void FreeStarted(Started* s) {
  s->~Started();
  BlockPool<sizeof(Started)>::Put(s);
}

// Whether `start` is libstdc++.so's start routine of std::thread (its
// execute_native_thread_routine, not exported): its `arg` is then the new thread's own
// std::thread::_State, which the constructor made with new (the dialect's operator new:
// glibc's heap, so malloc_usable_size measures it) and the thread deletes when its
// callable returns. Remembered once seen. A libstdc++ linked statically is not
// recognised: its threads' states are checked like any memory. (libstdc++'s other start
// routine, for binaries built with GCC 4.8's headers, is never reached from GCC 12's.)
bool IsStdThreadStart(void* (*start)(void*)) {
  static std::atomic<void*> known{nullptr};
  void* const f = reinterpret_cast<void*>(start);
  if (f == known.load(std::memory_order_relaxed)) return true;
  Dl_info info;
  if (dladdr(f, &info) == 0 || info.dli_fname == nullptr ||
      std::strstr(info.dli_fname, "/libstdc++.so") == nullptr) {
    return false;
  }
  known.store(f, std::memory_order_relaxed);
  return true;
}
template <class T>
struct MallocAllocator {
  using value_type = T;
  MallocAllocator() = default;
  template <class U>
  MallocAllocator(const MallocAllocator<U>&) {}
  T* allocate(std::size_t n) {
    if (n == 1) return static_cast<T*>(BlockPool<sizeof(T)>::Get());  // a node
    void* p = std::malloc(n * sizeof(T));
    if (p == nullptr) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) {
    if (n == 1) return BlockPool<sizeof(T)>::Put(p);
    std::free(p);
  }
  template <class U>
  bool operator==(const MallocAllocator<U>&) const { return true; }
};
using StartedMap =
    std::unordered_map<pthread_t, Started*, std::hash<pthread_t>, std::equal_to<pthread_t>,
                       MallocAllocator<std::pair<const pthread_t, Started*>>>;

// Threads started here, by handle. A handle made from a thread index (HandleOf) below
// kDirect has its own entry in an array: a controlled run creates and joins its threads
// schedule after schedule, and a hash map's insert, find and erase (a node each) cost more
// than the rest of pthread_create's own work. Any other handle goes to a hash map.
class StartedTable {
 public:
  Started* Find(pthread_t h) const {
    const std::size_t i = DirectIndex(h);
    if (i < kDirect) return direct_[i];
    auto it = others_.find(h);
    return it == others_.end() ? nullptr : it->second;
  }
  // Replaces any entry of `h`.
  void Put(pthread_t h, Started* st) {
    const std::size_t i = DirectIndex(h);
    if (i < kDirect) {
      direct_[i] = st;
      if (i >= direct_end_) direct_end_ = i + 1;
    } else {
      others_[h] = st;
    }
  }
  // Removes `h`'s entry and returns it, or null.
  Started* Take(pthread_t h) {
    const std::size_t i = DirectIndex(h);
    if (i < kDirect) return std::exchange(direct_[i], nullptr);
    auto it = others_.find(h);
    if (it == others_.end()) return nullptr;
    Started* st = it->second;
    others_.erase(it);
    return st;
  }
  // Calls f(st) for every entry; removes those for which it returns true.
  template <class F>
  void EraseIf(F f) {
    for (std::size_t i = 0; i < direct_end_; ++i) {
      if (direct_[i] != nullptr && f(direct_[i])) direct_[i] = nullptr;
    }
    while (direct_end_ > 0 && direct_[direct_end_ - 1] == nullptr) --direct_end_;
    for (auto it = others_.begin(); it != others_.end();) {
      if (f(it->second)) it = others_.erase(it); else ++it;
    }
  }
  template <class F>
  void ForEach(F f) {
    EraseIf([&](const Started* st) {
      f(st);
      return false;
    });
  }

 private:
  static constexpr std::size_t kDirect = 1024;
  static std::size_t DirectIndex(pthread_t h) {
    const std::uintptr_t v = static_cast<std::uintptr_t>(h) - 0x1000;  // HandleOf's base
    return v % 0x10 == 0 && v / 0x10 < kDirect ? v / 0x10 : kDirect;
  }
  Started* direct_[kDirect] = {};
  std::size_t direct_end_ = 0;  // no entry at or above it
  StartedMap others_;
};

// Guarded by a spin lock (see object_map.cc).
std::atomic<bool> g_busy{false};
StartedTable* g_started;

template <typename F>
auto Locked(F f) {
  SpinAcquire(g_busy);
  if (g_started == nullptr) g_started = new StartedTable;
  auto r = f(*g_started);
  g_busy.store(false, std::memory_order_release);
  return r;
}

Started* Take(pthread_t h) {
  return Locked([h](StartedTable& m) { return m.Take(h); });
}

}  // namespace

ObjectState* NewestJoinable(ThreadState* creator) {
  return Locked([creator](StartedTable& m) -> ObjectState* {
    const Started* best = nullptr;
    const Started* any = nullptr;
    m.ForEach([&](const Started* st) {
      if (st->detached || st->gen != creator->run->gen) return;
      if (st->creator == creator && (best == nullptr || st->seq > best->seq)) best = st;
      if (any == nullptr || st->seq > any->seq) any = st;
    });
    return best != nullptr ? best->obj : any != nullptr ? any->obj : nullptr;
  });
}

std::vector<UnwaitedThread> TakeUnwaited(Run* run) {
  return Locked([run](StartedTable& m) {
    std::vector<const Started*> found;
    // A joined thread has left the table (pthread_join); what is left of this run was
    // detached or never waited for at all.
    m.EraseIf([&](const Started* st) {
      if (st->gen != run->gen) return false;
      found.push_back(st);
      return true;
    });
    std::sort(found.begin(), found.end(),
              [](const Started* a, const Started* b) { return a->seq < b->seq; });
    std::vector<UnwaitedThread> r;
    for (const Started* st : found) {
      r.push_back({st->obj, st->detached});
      // A controlled run's thread writes its result before it finishes or never (the
      // schedule ends now); a free run's may still be running and keeps it.
      if (run->mode == RunMode::kControlled) FreeStarted(const_cast<Started*>(st));
    }
    return r;
  });
}

}  // namespace lab::internal::stdcxx

using namespace lab::internal;
using namespace lab::internal::stdcxx;

extern "C" {

int pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*start)(void*),
                   void* arg) {
  // IsRawCall, InLab and LocFor in one pass (real_calls.h EnterStudentCall): std::thread's
  // constructor calls from libstdc++.so, whose caller's line it finds without a lookup.
  StudentCallEntry e;
  const auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  if (!EnterStudentCall(nullptr, pc, &e)) return Real().create(thread, attr, start, arg);
  InLab in_lab(e.stack);
  Started* st = NewStarted();
  NoteThreadSpawned();
  // std::thread's state: the new thread's own (ThreadState::own_state).
  const std::size_t own_size =
      arg != nullptr && IsStdThreadStart(start) ? malloc_usable_size(arg) : 0;
  st->obj = NoThrow([&] {
    return SpawnThread("", [st, start, arg, own_size] {
      {
        // A reused stack (fiber or OS thread) starts with no accesses. InLab: the lab's
        // own pthread_self (identity.cc) is libc's, whose stack it looks up.
        InLab in_lab;
        ForgetOwnStack();
      }
      ThreadState* self = Self();
      self->own_state = reinterpret_cast<std::uintptr_t>(arg);
      self->own_state_size = own_size;
      st->result = start(arg);
      self->own_state_size = 0;  // freed by now: the block may be anyone's next
    }, e.Site());
  });
  st->creator = Self();
  st->gen = st->creator->run->gen;
  const pthread_t handle = Locked([&](StartedTable& m) {
    pthread_t h = st->obj->thread != nullptr
                      ? HandleOf(st->obj->thread)
                      : static_cast<pthread_t>(reinterpret_cast<std::uintptr_t>(st->obj));
    if (const Started* old = m.Find(h)) {
      // A thread of an ended run that was never joined (an aborted schedule) had this
      // index: forgotten (not freed: a free run's may still be running and write its
      // result; Put replaces it). Within one run indices are unique; the address is the
      // last resort.
      if (old->gen == st->gen) {
        h = static_cast<pthread_t>(reinterpret_cast<std::uintptr_t>(st->obj));
      }
    }
    st->seq = ++g_seq;
    m.Put(h, st);
    return h;
  });
  *thread = handle;
  return 0;
}

int pthread_join(pthread_t thread, void** result) {
  StudentCallEntry e;  // as pthread_create
  const auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  if (!EnterStudentCall(nullptr, pc, &e)) return Real().join(thread, result);
  Started* st = Take(thread);
  if (st == nullptr) return Real().join(thread, result);
  InLab in_lab(e.stack);
  // A deadlock here (LAB_ON_DEADLOCK=throw): not joined; its record is not freed (it runs).
  if (NoThrowErrno([&] { JoinThread(st->obj, e.Site()); }) != 0) return EDEADLK;
  if (result != nullptr) *result = st->result;
  FreeStarted(st);
  return 0;
}

int pthread_detach(pthread_t thread) {
  if (IsRawCall(nullptr)) return Real().detach(thread);
  // The lab thread runs on; its object stays with the run, and the end of the scenario
  // reports it (lifecycle.cc).
  const bool ours = Locked([thread](StartedTable& m) {
    Started* st = m.Find(thread);
    if (st == nullptr) return false;
    st->detached = true;
    return true;
  });
  return ours ? 0 : Real().detach(thread);
}

}  // extern "C"
