// plain_memory.cc — see plain_memory.h; also __tsan_init and the shadow-stack entry points.
#include "plain_memory.h"

#include <pthread.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "controlled_scheduler.h"
#include "fiber.h"
#include "once_tls.h"
#include "race_detector.h"
#include "runtime.h"
#include "sites.h"
#include "thread_local_guard.h"

namespace lab::internal::stdcxx {
namespace {

std::atomic<bool> g_spawned{false};

struct Cell {
  std::uint64_t gen = 0;
  AccessHistory bytes[8];
};

constexpr std::size_t kStripes = 256;
struct Stripe {
  std::atomic<bool> busy{false};
  std::unordered_map<std::uintptr_t, Cell*> cells;  // key: address / 8
  void lock() {
    while (busy.exchange(true, std::memory_order_acquire)) __builtin_ia32_pause();
  }
  void unlock() { busy.store(false, std::memory_order_release); }
};
Stripe* Stripes() {
  static Stripe* s = new Stripe[kStripes];
  return s;
}
std::atomic<std::size_t> g_cell_count{0};

// Which 4 KiB pages may hold cells (a hashed bitmap: a false "may" only costs time). Set
// when a cell is created, never cleared: ForgetRange skips every page without a cell, so
// the allocations of the spec and the lab (operator new) cost a bit test per page.
constexpr std::size_t kPageBits = std::size_t{1} << 20;
std::atomic<std::uint64_t> g_pages[kPageBits / 64];
std::size_t PageBit(std::uintptr_t addr) { return ((addr >> 12) * 0x9E3779B97F4A7C15ull >> 44) % kPageBits; }
void NotePage(std::uintptr_t addr) {
  const std::size_t b = PageBit(addr);
  g_pages[b / 64].fetch_or(std::uint64_t{1} << (b % 64), std::memory_order_relaxed);
}
bool PageMayHaveCells(std::uintptr_t addr) {
  const std::size_t b = PageBit(addr);
  return (g_pages[b / 64].load(std::memory_order_relaxed) >> (b % 64)) & 1;
}
// Set while this thread holds a stripe lock: the detector's own allocations (map nodes,
// cells) must not come back into ForgetRange, which takes stripe locks.
thread_local bool tls_in_shadow = false;
struct InShadow {
  InShadow() { tls_in_shadow = true; }
  ~InShadow() { tls_in_shadow = false; }
};

// The words that have a cell, for the run `gen` (kept by perf: cells of earlier runs are
// freed when a new run first checks an access, so that a fiber stack forgotten at every
// thread start costs the cells of this run, not of every schedule explored so far).
// Lock order: live, then a stripe; Access never holds a stripe while taking live.
struct LiveCells {
  std::atomic<bool> busy{false};
  std::uint64_t gen = 0;
  std::vector<std::uintptr_t> words;  // address / 8
  void lock() {
    while (busy.exchange(true, std::memory_order_acquire)) __builtin_ia32_pause();
  }
  void unlock() { busy.store(false, std::memory_order_release); }
};
LiveCells& Live() {
  static LiveCells* l = new LiveCells;
  return *l;
}
std::atomic<std::uint64_t> g_live_gen{0};

// Frees every cell when `gen` is a new run (they would all be reset on next use anyway).
// Called InShadow.
void RetireCellsOfOtherRuns(std::uint64_t gen) {
  if (g_live_gen.load(std::memory_order_acquire) == gen) return;
  LiveCells& live = Live();
  live.lock();
  if (live.gen != gen) {
    for (const std::uintptr_t w : live.words) {
      Stripe& st = Stripes()[w % kStripes];
      st.lock();
      auto it = st.cells.find(w);
      if (it != st.cells.end()) {
        delete it->second;
        st.cells.erase(it);
      }
      st.unlock();
    }
    live.words.clear();
    g_cell_count.store(0, std::memory_order_relaxed);
    live.gen = gen;
    g_live_gen.store(gen, std::memory_order_release);
  }
  live.unlock();
}

// A range of memory copied at once (memcpy, a std::string) is checked up to this many
// bytes; the rest is not (a documented simplification: the first race is what matters).
constexpr std::size_t kMaxRange = 4096;

// A global's symbol name ("counter", "forks+8"); other memory (a member, a local, a heap
// block) by the size of the access, never by its address: the report of a replay must be
// the same text byte for byte, and stacks and heap blocks move from run to run.
std::string Describe(std::uintptr_t addr, std::size_t size) {
  const char* g = GlobalName(reinterpret_cast<const void*>(addr));
  if (g[0] != 0) return g;
  return "plain memory (" + std::to_string(size) + (size == 1 ? " byte)" : " bytes)");
}

void ReportRace(ThreadState* self, std::uintptr_t addr, std::size_t size, SiteRef site,
                bool write, std::uint32_t step, const PriorAccess& prior) {
  RtGuard g;
  Run* run = self->run;
  const std::string other =
      prior.tid < run->threads.size() ? run->threads[prior.tid]->name : "?";
  const std::string what = Describe(addr, size);
  Finding f;
  f.kind = FindingKind::kDataRace;
  f.message = "on '" + what + "': " + (write ? "write" : "read") + " by '" + self->name +
              "' at " + SiteText(site) + " and " + (prior.is_write ? "write" : "read") +
              " by '" + other + "' at " + SiteText(prior.site) +
              " are not ordered by any lock or signal";
  f.threads = {other, self->name};
  f.objects = {what};
  f.sites = {ToSource(prior.site), ToSource(site)};
  f.steps = {{other, prior.is_write ? "write" : "read", what, ToSource(prior.site), {}},
             {self->name, write ? "write" : "read", what, ToSource(site), {}}};
  // A controlled run's trace shows both accesses where they happened (they are no
  // scheduling points, so no step of the schedule shows them otherwise).
  ControlledScheduler* sched = run->mode == RunMode::kControlled ? run->sched : nullptr;
  if (sched != nullptr) {
    sched->SetRaceRows({{prior.step, prior.tid, prior.is_write, prior.site, what},
                        {step, self->tid, write, site, what}});
  }
  AddFinding(std::move(f));
  if (sched != nullptr) sched->ClearRaceRows();
}

// The lab thread an access belongs to, or null when it is not checked.
// Not checked: the detector's own work (tls_in_shadow), the lab's (raw calls, InLab),
// and a controlled run's scheduler context (no lab thread: the lab's code, whose inline
// functions the linker may have taken from the student's instrumented object).
ThreadState* Checked() {
  if (tls_in_shadow || tls_raw_calls > 0) return nullptr;
  ThreadState* self = tls_self;
  if (self == nullptr && InControlledRun()) return nullptr;
  if (self != nullptr && InLabNow()) return nullptr;
  if (self != nullptr && self->run->mode == RunMode::kControlled) return self;
  if (!g_spawned.load(std::memory_order_relaxed)) return nullptr;
  return self != nullptr ? self : Self();
}

void Access(std::uintptr_t addr, std::size_t size, bool write, std::uintptr_t pc) {
  ThreadState* self = Checked();
  if (self == nullptr || size == 0) return;
  if (IsOnceHandOff(self, addr, size)) return;  // std::call_once's TLS words (once_tls.h)
  // The spec's and the lab's own accesses (sites.h StudentAccess) are not recorded at all:
  // they can neither race nor hide a race of the student's.
  SiteRef site;
  if (!StudentAccess(pc, &site)) return;
  CheckThreadLocal(self, addr, pc);  // a student's thread_local: refused (controlled runs)
  Run* run = self->run;
  // DPOR: the access joins the running step's footprint (the whole range).
  if (run->mode == RunMode::kControlled && run->sched->RecordsPlainAccesses()) {
    run->sched->OnPlainAccess(addr, size, write);
  }
  if (run->shared_access_cost_ns > 0) {
    RtGuard g;
    self->span_ns += run->shared_access_cost_ns;
    run->work_ns += run->shared_access_cost_ns;
  }
  if (size > kMaxRange) size = kMaxRange;
  // Where the access happened in the trace, kept with it in case it races later.
  const std::uint32_t step = run->mode == RunMode::kControlled ? run->sched->StepCount() : 0;
  InShadow in_shadow;
  RetireCellsOfOtherRuns(run->gen);
  std::optional<PriorAccess> race;
  std::uintptr_t race_addr = 0;
  const std::uintptr_t end = addr + size;
  for (std::uintptr_t word = addr & ~std::uintptr_t{7}; word < end; word += 8) {
    Stripe& st = Stripes()[(word >> 3) % kStripes];
    st.lock();
    Cell*& cell = st.cells[word >> 3];
    bool created = false;
    if (cell == nullptr) {
      cell = new Cell;
      g_cell_count.fetch_add(1, std::memory_order_relaxed);
      NotePage(word);
      created = true;
    }
    if (cell->gen != run->gen) {
      for (AccessHistory& h : cell->bytes) h.Reset();
      cell->gen = run->gen;
    }
    const std::uintptr_t lo = word < addr ? addr : word;
    const std::uintptr_t hi = word + 8 < end ? word + 8 : end;
    for (std::uintptr_t b = lo; b < hi; ++b) {
      AccessHistory& h = cell->bytes[b - word];
      auto r = write ? h.OnWrite(self->tid, self->vc, site, step)
                     : h.OnRead(self->tid, self->vc, site, step);
      if (r && !race) {
        race = r;
        race_addr = b;
      }
    }
    st.unlock();
    if (created) {
      LiveCells& live = Live();
      live.lock();
      live.words.push_back(word >> 3);
      live.unlock();
    }
  }
  if (race) ReportRace(self, race_addr, size, site, write, step, *race);  // still InShadow: no re-entry
}

std::uintptr_t Ret(void* p) { return reinterpret_cast<std::uintptr_t>(p); }
std::uintptr_t Addr(const volatile void* p) { return reinterpret_cast<std::uintptr_t>(p); }

}  // namespace

void NoteThreadSpawned() { g_spawned.store(true, std::memory_order_relaxed); }

void ForgetRange(std::uintptr_t begin, std::size_t size) {
  if (tls_in_shadow) return;
  if (g_cell_count.load(std::memory_order_relaxed) == 0 || size == 0) return;
  const std::uintptr_t first = begin >> 3, last = (begin + size - 1) >> 3;
  const bool scan = last - first + 1 > g_cell_count.load(std::memory_order_relaxed);
  if (!scan) {
    for (std::uintptr_t w = first; w <= last; ++w) {
      if ((w & 511) == 0 || w == first) {
        // A page without cells: skip to the next page.
        if (!PageMayHaveCells(w << 3)) {
          w |= 511;
          continue;
        }
      }
      Stripe& st = Stripes()[w % kStripes];
      st.lock();
      auto it = st.cells.find(w);
      if (it != st.cells.end()) it->second->gen = 0;  // reset on next use
      st.unlock();
    }
    return;
  }
  // Fewer cells than words in the range: visit the cells (the live list holds them all).
  LiveCells& live = Live();
  live.lock();
  for (const std::uintptr_t w : live.words) {
    if (w < first || w > last) continue;
    Stripe& st = Stripes()[w % kStripes];
    st.lock();
    auto it = st.cells.find(w);
    if (it != st.cells.end()) it->second->gen = 0;
    st.unlock();
  }
  live.unlock();
}

void ForgetOwnStack() {
  ThreadState* self = PeekSelf();
  if (self != nullptr && self->fiber != nullptr) {
    const auto* f = static_cast<const Fiber*>(self->fiber);
    if (f->stack != nullptr) ForgetRange(Addr(f->stack), f->stack_size);
    return;
  }
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
  void* base = nullptr;
  std::size_t size = 0;
  pthread_attr_getstack(&attr, &base, &size);
  pthread_attr_destroy(&attr);
  ForgetRange(Addr(base), size);
}

}  // namespace lab::internal::stdcxx

using namespace lab::internal::stdcxx;

extern "C" {

void __tsan_init() {}

void __tsan_func_entry(void* caller_pc) { PushFrame(Ret(caller_pc)); }
void __tsan_func_exit() { PopFrame(); }

#define LAB_TSAN_RW(n)                                                                \
  void __tsan_read##n(void* a) { Access(Addr(a), n, false, Ret(__builtin_return_address(0))); } \
  void __tsan_write##n(void* a) { Access(Addr(a), n, true, Ret(__builtin_return_address(0))); } \
  void __tsan_unaligned_read##n(void* a) {                                              \
    Access(Addr(a), n, false, Ret(__builtin_return_address(0)));                        \
  }                                                                                     \
  void __tsan_unaligned_write##n(void* a) {                                             \
    Access(Addr(a), n, true, Ret(__builtin_return_address(0)));                         \
  }
LAB_TSAN_RW(1)
LAB_TSAN_RW(2)
LAB_TSAN_RW(4)
LAB_TSAN_RW(8)
LAB_TSAN_RW(16)
#undef LAB_TSAN_RW

void __tsan_read_range(void* a, unsigned long size) {
  Access(Addr(a), size, false, Ret(__builtin_return_address(0)));
}
void __tsan_write_range(void* a, unsigned long size) {
  Access(Addr(a), size, true, Ret(__builtin_return_address(0)));
}

// lab/internal/tsan.h's annotations, in a program compiled with -fsanitize=thread without
// LAB_STD_DIALECT (library mode): the lab's runtime already orders its own primitives.
void __tsan_acquire(void*) {}
void __tsan_release(void*) {}

// A vtable pointer store (a constructor, a destructor) is a write of the object's first
// word; a virtual call reads it.
void __tsan_vptr_update(void** vptr, void* new_val) {
  if (*vptr == new_val) return;  // the same vtable again: no change another thread sees
  Access(Addr(vptr), sizeof(void*), true, Ret(__builtin_return_address(0)));
}
void __tsan_vptr_read(void** vptr) {
  Access(Addr(vptr), sizeof(void*), false, Ret(__builtin_return_address(0)));
}

}  // extern "C"

// Fresh memory starts with no accesses: a block freed by one thread and handed to another
// by the allocator is not a race (the allocator's own synchronisation is invisible here).
void* operator new(std::size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  ForgetRange(Addr(p), size);
  return p;
}
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
