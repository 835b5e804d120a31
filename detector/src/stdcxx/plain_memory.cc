// plain_memory.cc — see plain_memory.h; also __tsan_init and the shadow-stack entry points.
#include "plain_memory.h"

#include <pthread.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <optional>
#include <string>
#include <utility>

#include "access_name_text.h"
#include "access_names.h"
#include "controlled_scheduler.h"
#include "object_map.h"
#include "fiber.h"
#include "once_tls.h"
#include "race_detector.h"
#include "runtime.h"
#include "shadow_map.h"
#include "sites.h"
#include "std_tls.h"
#include "thread_local_guard.h"

namespace lab::internal::stdcxx {
namespace {

std::atomic<bool> g_spawned{false};
// Set when the student starts a thread outside a controlled run (a real OS thread). From
// then on controlled runs lock cells too: a free thread still running beside a controlled
// run (an unusual program) must not update a cell unlocked with it. Until then, as in
// `lab check`, the one running lab thread of a controlled run takes no lock.
// An int (0 or 1), not a bool: OnAccess ors it with tls_raw_calls in one test.
std::atomic<int> g_free_threads{0};

// Set while this thread is inside the detector: its own allocations must not come back
// into ForgetRange, and its own accesses are not checked.
thread_local bool tls_in_shadow = false;
struct InShadow {
  InShadow() { tls_in_shadow = true; }
  ~InShadow() { tls_in_shadow = false; }
};

// A range of memory copied at once (memcpy, a std::string) is checked up to this many
// bytes; the rest is not (a documented simplification: the first race is what matters).
constexpr std::size_t kMaxRange = 4096;

// A global's symbol name ("counter", "forks+8"). Other memory (a member, a local, a heap
// block) by the expression the student wrote at the two sites, when their source and
// columns name it (access_names.h: "FizzBuzz::cur", "count", "p->count"), else by the size
// of the access; never by its address: the report of a replay must be the same text byte
// for byte, and stacks and heap blocks move from run to run.
std::string Describe(std::uintptr_t addr, std::size_t size, SiteRef site, SiteRef prior) {
  const char* g = GlobalName(reinterpret_cast<const void*>(addr));
  if (g[0] != 0) return g;
  const std::string named = AgreedName(AccessNameOfSite(site.file), AccessNameOfSite(prior.file));
  if (!named.empty()) return named;
  return "plain memory (" + std::to_string(size) + (size == 1 ? " byte)" : " bytes)");
}

void ReportRace(ThreadState* self, std::uintptr_t addr, std::size_t size, SiteRef site,
                bool write, std::uint32_t step, const PriorAccess& prior) {
  RtGuard g;
  Run* run = self->run;
  const std::string other =
      prior.tid < run->threads.size() ? run->threads[prior.tid]->name : "?";
  const std::string what = Describe(addr, size, site, prior.site);
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

// The calling OS thread's static TLS that a plain access must look at closely: std::call_once's
// hand-off words (once_tls.h) and the executable's thread_locals (thread_local_guard.h),
// as one range [lo, lo + size) (a thread's static TLS blocks lie together). An access
// inside it takes Access, which makes those checks. Found by the thread's first access
// that Access checks in a controlled run; until then every address is inside.
struct SpecialTls {
  std::uintptr_t lo = 0;
  std::uintptr_t size = ~std::uintptr_t{0};
};
constinit LAB_STD_TLS SpecialTls tls_special;

void FindSpecialTls() {
  if (tls_once_words[0] == 0) FindOnceWords();
  if (!tls_exe_block.known) FindExeTlsBlock();
  std::uintptr_t lo = tls_once_words[0], hi = tls_once_words[0] + 8;
  auto cover = [&lo, &hi](std::uintptr_t a, std::uintptr_t b) {
    if (a < lo) lo = a;
    if (b > hi) hi = b;
  };
  cover(tls_once_words[1], tls_once_words[1] + 8);
  if (tls_exe_block.size > 0) cover(tls_exe_block.lo, tls_exe_block.lo + tls_exe_block.size);
  tls_special = SpecialTls{lo, hi - lo};
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

// Where the checked access by `self` (`site`) happened in the trace, its DPOR footprint
// and its virtual cost: what every recorded access does before its histories are updated.
// `library`: the standard library's own work (sites.h StudentAccess), given no cost. A
// spec's cost per access prices the student's statements (a balance read, a counter
// written), not the dozen accesses of a std::map lookup or a std::string's growth: with
// them, a one-line statistic under its own mutex cost more virtual time than a transfer.
inline std::uint32_t Account(ThreadState* self, std::uintptr_t addr, std::size_t size,
                             bool write, bool library) {
  Run* run = self->run;
  ControlledScheduler* sched = run->mode == RunMode::kControlled ? run->sched : nullptr;
  // DPOR: the access joins the running step's footprint (the whole range).
  if (sched != nullptr && sched->RecordsPlainAccesses()) [[unlikely]] {
    sched->OnPlainAccess(addr, size, write);
  }
  if (run->shared_access_cost_ns > 0 && !library) [[unlikely]] {
    RtGuard g;
    self->span_ns += run->shared_access_cost_ns;
    run->work_ns += run->shared_access_cost_ns;
  }
  // Where the access happened in the trace, kept with it in case it races later.
  return sched != nullptr ? sched->StepCount() : 0;
}

// The histories of [addr, addr + size) for a checked access by `self` from `site`.
[[gnu::noinline]] void CheckCells(ThreadState* self, std::uintptr_t addr, std::size_t size,
                                  bool write, SiteRef site, std::uint32_t step) {
  Run* run = self->run;
  if (size > kMaxRange) size = kMaxRange;
  InShadow in_shadow;
  // A controlled run has one lab thread running at a time: no cell lock (unless real
  // threads were started, g_free_threads). A free run's threads are real: each cell's
  // histories are updated under its spin lock.
  const bool serial =
      run->mode == RunMode::kControlled && g_free_threads.load(std::memory_order_relaxed) == 0;
  const Tid tid = self->tid;
  std::optional<PriorAccess> race;
  std::uintptr_t race_addr = 0;
  const std::uintptr_t end = addr + size;
  for (std::uintptr_t word = addr & ~std::uintptr_t{7}; word < end; word += 8) {
    ShadowPage* page = nullptr;
    ShadowCell* cell = CellFor(word, &page);
    if (cell == nullptr) break;  // beyond the user address space
    const auto lo = static_cast<std::uint8_t>(word < addr ? addr - word : 0);
    const auto hi = static_cast<std::uint8_t>(word + 8 < end ? 8 : end - word);
    if (!serial) cell->lock();
    if (CellIsStale(cell, page, run->gen)) {
      // Another run's histories, or fresh memory (a constructor's memset): no race.
      SetCellGen(cell, page, run->gen);
      ResetAndAccess(cell, lo, hi, write, tid, self->vc, site, step);
      if (!serial) cell->unlock();
      continue;
    }
    FreshenCell(cell, page, run->gen);
    std::uint8_t race_b = 0;
    PriorAccess r;
    // The epoch-mode case inline first (a range is mostly fresh words of one run).
    if (!TryCellFast(cell, lo, hi, write, tid, self->vc, site, step) &&
        CheckCellRace(cell, lo, hi, write, tid, self->vc, site, step, &r, &race_b) && !race) {
      race = r;
      race_addr = word + race_b;
    }
    if (!serial) cell->unlock();
  }
  if (race) ReportRace(self, race_addr, size, site, write, step, *race);  // still InShadow: no re-entry
}

// Whether `addr` lies on the usable stack of the calling thread's fiber (below its top);
// false for a thread without a fiber of the lab's.
[[gnu::always_inline]] inline bool OnOwnFiberStack(const ThreadState* self,
                                                   std::uintptr_t addr) {
  const auto* f = static_cast<const Fiber*>(self->fiber);
  return f != nullptr && f->stack_top != nullptr &&
         reinterpret_cast<std::uintptr_t>(f->stack_top) - addr - 1 < f->stack_size;
}

// Every access the fast path below does not take: free runs, the first access from an
// address (classification), std:: template code (the shadow stack decides), ranges.
[[gnu::noinline]] void Access(std::uintptr_t addr, std::size_t size, bool write,
                              std::uintptr_t pc) {
  ThreadState* self = Checked();
  if (self == nullptr || size == 0) return;
  if (self->run->mode == RunMode::kControlled && tls_special.size == ~std::uintptr_t{0}) {
    FindSpecialTls();  // for the fast path (OnAccess)
  }
  if (IsOnceHandOff(self, addr, size)) return;  // std::call_once's TLS words (once_tls.h)
  // The spec's and the lab's own accesses (sites.h StudentAccess) are not recorded at all:
  // they can neither race nor hide a race of the student's.
  SiteRef site;
  bool library = false;
  if (!StudentAccess(pc, &site, nullptr, &library)) return;
  // A read of the thread's own std::thread state, as in OnAccess.
  if (!write && addr - self->own_state < self->own_state_size) return;
  // A standard lock object's own field on this thread's fiber stack, as in OnAccess (the
  // class StudentAccess has just remembered says so).
  if (const AccessClass* c = FindAccessClass(pc);
      c != nullptr && c->lock_holder && OnOwnFiberStack(self, addr)) {
    return;
  }
  if (CheckThreadLocal(self, addr, pc)) return;  // a student's thread_local (controlled runs)
  const std::uint32_t step = Account(self, addr, size, write, library);
  CheckCells(self, addr, size, write, site, step);
}

// The full rules of OnAccess's cell when its inline case (TryCellFast) does not apply (a
// race, read-shared mode, a word of several runs): out of line, so that the inline path
// stays a leaf whose every other exit is a return or a tail call.
template <std::size_t kSize, bool kWrite>
[[gnu::noinline]] void CellRules(ThreadState* self, ShadowCell* cell, std::uintptr_t addr,
                                 const AccessClass* c) {
  const std::uint32_t step = self->run->sched->StepCount();
  const SiteRef site = c->site();
  InShadow in_shadow;  // the full rules may allocate (a read-shared history's reader list)
  const auto lo = static_cast<std::uint8_t>(addr & 7);
  const Tid tid = self->tid;
  CheckCellWith(cell, lo, static_cast<std::uint8_t>(lo + kSize), kWrite, tid, self->vc, site,
                step, [&](const PriorAccess& prior, std::uint8_t b) {
                  ReportRace(self, (addr & ~std::uintptr_t{7}) + b, kSize, site, kWrite, step,
                             prior);
                });
}

// OnAccess's cell when it holds another run's histories or its memory was forgotten: the
// access is the first of the word's new histories.
template <std::size_t kSize, bool kWrite>
[[gnu::noinline]] void FreshCellAccess(ThreadState* self, ShadowCell* cell, ShadowPage* page,
                                       std::uintptr_t addr, const AccessClass* c) {
  // Every history of the word is empty after the reset: the access sets the word's runs
  // (shadow_map.h ResetAndAccess), with no reset of runs it does not need.
  SetCellGen(cell, page, self->run->gen);
  const auto lo = static_cast<std::uint8_t>(kSize == 8 ? 0 : addr & 7);
  ResetAndAccess(cell, lo, static_cast<std::uint8_t>(lo + kSize), kWrite, self->tid, self->vc,
                 c->site(), self->run->sched->StepCount());
}

// OnAccess's word when the cell cache (shadow_map.h ShadowCellEntry) does not have it: a
// word of the special TLS range goes to Access; others from the page cache into the cell
// cache, then the same rules as OnAccess's; a word the page
// cache does not know (or one without a cell yet) takes CheckCells, which creates what is
// missing, inside the detector (InShadow).
void CheckCellsOf(ThreadState* self, std::uintptr_t addr, std::size_t size, bool write,
                  const AccessClass* c);
template <std::size_t kSize, bool kWrite>
[[gnu::noinline]] void CellMissAccess(ThreadState* self, std::uintptr_t addr, std::uintptr_t pc,
                                      const AccessClass* c) {
  // Special TLS (Access's checks): never cached. Its range is fixed once found, and until
  // then (size ~0) every address is inside, so no word is cached before it is known.
  if (addr - tls_special.lo < tls_special.size) return Access(addr, kSize, kWrite, pc);
  ShadowPage* page = CachedShadowPage(addr);
  ShadowCell* cell =
      page != nullptr ? page->cells[(addr >> 3) & 511].load(std::memory_order_acquire) : nullptr;
  if (cell == nullptr) return CheckCellsOf(self, addr, kSize, kWrite, c);
  ShadowCellEntry(addr >> 3) = ShadowCellCache{addr >> 3, cell, page};
  Run* run = self->run;
  if (CellIsStale(cell, page, run->gen)) return FreshCellAccess<kSize, kWrite>(self, cell, page, addr, c);
  const auto lo = static_cast<std::uint8_t>(kSize == 8 ? 0 : addr & 7);
  if (TryCellFast(cell, lo, static_cast<std::uint8_t>(lo + kSize), kWrite, self->tid, self->vc,
                  c->site(), run->sched->StepCount())) {
    return;
  }
  return CellRules<kSize, kWrite>(self, cell, addr, c);
}

// The words of [addr, addr + size) (at most kCachedRange bytes) for a checked access
// whose every per-access test passed (OnAccess across a word boundary, OnRange): each
// word through the cell cache with OnAccess's inline rules (ResetAndAccess for a stale
// cell, TryCellFast), the cache filled from the page cache on a miss. The first word
// those rules cannot decide (a race, read-shared mode, several runs of the word, a cell
// not created yet, a word neither cache has) hands the WHOLE range to CheckCells, which
// applies the same rules word by word: on the words already recorded here they change
// nothing (the same thread, epoch, site and step again: FastTrack's epoch-mode rules
// record exactly what they recorded), so the race found and its report (with the
// range's size) are CheckCells' own, as without this path.
constexpr std::size_t kCachedRange = 256;
template <bool kWrite>
[[gnu::noinline]] void CheckCellsCached(ThreadState* self, std::uintptr_t addr,
                                        std::size_t size, const AccessClass* c) {
  Run* run = self->run;
  const std::uint64_t gen = run->gen;
  const std::uint32_t step = run->sched->StepCount();
  const SiteRef site = c->site();
  const Tid tid = self->tid;
  const std::uintptr_t end = addr + size;
  for (std::uintptr_t word = addr & ~std::uintptr_t{7}; word < end; word += 8) {
    ShadowCellCache& entry = ShadowCellEntry(word >> 3);
    if (entry.word != (word >> 3)) {
      ShadowPage* page = CachedShadowPage(word);
      ShadowCell* cell = page != nullptr
                             ? page->cells[(word >> 3) & 511].load(std::memory_order_acquire)
                             : nullptr;
      if (cell == nullptr) return CheckCellsOf(self, addr, size, kWrite, c);
      entry = ShadowCellCache{word >> 3, cell, page};
    }
    const auto lo = static_cast<std::uint8_t>(word < addr ? addr - word : 0);
    const auto hi = static_cast<std::uint8_t>(word + 8 < end ? 8 : end - word);
    if (CellIsStale(entry.cell, entry.page, gen)) {
      SetCellGen(entry.cell, entry.page, gen);
      ResetAndAccess(entry.cell, lo, hi, kWrite, tid, self->vc, site, step);
      continue;
    }
    if (!TryCellFast(entry.cell, lo, hi, kWrite, tid, self->vc, site, step)) {
      return CheckCellsOf(self, addr, size, kWrite, c);
    }
  }
}

// CheckCells for OnAccess (at most five arguments: a tail call).
[[gnu::noinline]] void CheckCellsOf(ThreadState* self, std::uintptr_t addr, std::size_t size,
                                    bool write, const AccessClass* c) {
  CheckCells(self, addr, size, write, c->site(), self->run->sched->StepCount());
}

// Account's work and the general rules, for a run that records plain accesses (DPOR) or
// gives them a virtual cost: out of line (OnAccess).
[[gnu::noinline]] void AccountAndCheck(ThreadState* self, std::uintptr_t addr, std::size_t size,
                                       bool write, const AccessClass* c) {
  const std::uint32_t step = Account(self, addr, size, write, c->library);
  CheckCells(self, addr, size, write, c->site(), step);
}

// The run (its gen) in which this OS thread last found OnAccess's per-run conditions true:
// a controlled run that records no plain access (no DPOR footprint: RecordsPlainAccesses)
// and gives them no virtual cost. A run's gen is new in every schedule (and never 0), and
// those conditions are fixed for a schedule once it runs (mode, shared_access_cost_ns and
// the strategy are set before; aborting_ only ever turns recording off; ResetForReuse
// sets gen 0 with mode kFree, never learned), so one compare of
// the gen stands for the four tests.
constinit LAB_STD_TLS std::uint64_t tls_fast_gen = ~std::uint64_t{0};  // no gen is all ones

// Whether `run` (of gen `gen`) meets those conditions; remembered in tls_fast_gen if so.
[[gnu::noinline]] bool LearnFastRun(const Run* run) {
  if (run->mode != RunMode::kControlled || run->sched->RecordsPlainAccesses() ||
      run->shared_access_cost_ns > 0) {
    return false;
  }
  tls_fast_gen = run->gen;
  return true;
}

// Whether the lab thread `self` (not null) is outside the lab (Checked's InLabNow), asked
// without a call: tls_outside_lab (shadow_stack.h) when this OS thread last found it so,
// else its stack (KnownStackOf), remembered when it says so. False when neither knows (a
// thread without its stack yet, or one inside the lab): Access judges then.
[[gnu::always_inline]] inline bool KnownOutsideLab(const ThreadState* self) {
  if (tls_outside_lab == self) [[likely]] return true;
  const ShadowStack* s = KnownStackOf(self);
  if (s == nullptr || s->in_lab != 0) return false;
  tls_outside_lab = self;
  return true;
}

// OnAccess in a run whose per-run conditions do not hold: its other tests in the same
// order, then Access (a free run, or whatever Access must judge) or AccountAndCheck (a
// controlled run recording plain accesses or giving them a cost).
[[gnu::noinline]] void OtherRunAccess(ThreadState* self, std::uintptr_t addr, std::size_t size,
                                      bool write, std::uintptr_t pc, const AccessClass* c) {
  if (self->run->mode != RunMode::kControlled ||
      g_free_threads.load(std::memory_order_relaxed) != 0) {
    return Access(addr, size, write, pc);
  }
  if (!KnownOutsideLab(self)) return Access(addr, size, write, pc);
  if (addr - tls_special.lo < tls_special.size) return Access(addr, size, write, pc);
  return AccountAndCheck(self, addr, size, write, c);
}

template <std::size_t kSize, bool kWrite>
void NewRunAccess(ThreadState* self, std::uintptr_t addr, std::uintptr_t pc,
                  const AccessClass* c);


// The inline path of __tsan_read/writeN (ThreadSanitizer's fast path, for the lab): a
// leaf of loads and compares whose every other exit is a tail call. The lab's own code
// (an address the classification front knows as the lab's, sites.h AccessClass) returns
// first, in any run: Access would refuse it too (StudentAccess). An access of the
// student's code by a controlled run's lab thread, within one word whose cell the page
// cache has, then gets FastTrack's epoch-mode rules inline when they apply (one run of
// the word, no race: shadow_map.h TryCellFast) and otherwise takes CellRules.
// Each test below is one of Access's, in the same order of effect; whatever it cannot
// answer goes to Access, AccountAndCheck or CheckCells, which apply the same rules.
template <std::size_t kSize, bool kWrite>
[[gnu::always_inline]] inline void OnAccess(std::uintptr_t addr, std::uintptr_t pc) {
  const AccessClass* c = FindAccessClass(pc);
  if (c != nullptr && !c->student) return;  // the lab's code (Access: StudentAccess)
  ThreadState* self = tls_self;
  // A line of the student's runs neither inside the detector (tls_in_shadow) nor inside the
  // resolver (tls_resolving): neither calls the program, so only a lab scope that may
  // (RawCalls) is asked here. Code the front does not know takes Access, which asks all.
  // Free threads beside this run (g_free_threads) take Access too, asked here in the same
  // branch: OtherRunAccess would send them there as well. (tls_raw_calls is never
  // negative: every RawCalls lowers what it raised.)
  if (c == nullptr || self == nullptr ||
      (tls_raw_calls | g_free_threads.load(std::memory_order_relaxed)) != 0)
      [[unlikely]] {
    return Access(addr, kSize, kWrite, pc);
  }
  // A read of the thread's own std::thread state (a [&] lambda's captured pointers, read
  // at every use of a captured variable): ThreadState::own_state. Its writes (a mutable
  // lambda's by-value captures) are checked: a race needs a write, and this one stays seen.
  if (!kWrite && addr - self->own_state < self->own_state_size) return;
  Run* run = self->run;
  const std::uint64_t gen = run->gen;
  // A controlled run, no plain-access recording, no access cost (tls_fast_gen, above);
  // otherwise Access (a free run) or AccountAndCheck (recording or cost) decides. A run
  // not learned yet is a tail call (NewRunAccess): this path then makes no call, and a
  // leaf saves no registers.
  if (gen != tls_fast_gen) [[unlikely]] return NewRunAccess<kSize, kWrite>(self, addr, pc, c);
  // Outside the lab (Checked's InLabNow), asked without a call (KnownOutsideLab).
  if (!KnownOutsideLab(self)) [[unlikely]] return Access(addr, kSize, kWrite, pc);
  // A standard lock object's own field on this thread's own fiber stack (sites.h
  // AccessClass::lock_holder): the thread's private bookkeeping, not checked.
  if (c->lock_holder && OnOwnFiberStack(self, addr)) return;
  if ((addr & 7) + kSize > 8) [[unlikely]] {
    // Across a word boundary (an unaligned access, a 16-byte one): word by word.
    if (addr - tls_special.lo < tls_special.size || tls_special.lo - addr < kSize) {
      return Access(addr, kSize, kWrite, pc);
    }
    return CheckCellsCached<kWrite>(self, addr, kSize, c);
  }
  // Within one word: an 8-byte access starts it. The cell cache holds no word of the
  // special TLS range (CellMissAccess asks first), so a hit needs no test of it.
  const ShadowCellCache& entry = ShadowCellEntry(addr >> 3);
  if (entry.word != (addr >> 3)) [[unlikely]] {
    return CellMissAccess<kSize, kWrite>(self, addr, pc, c);
  }
  ShadowCell* cell = entry.cell;
  ShadowPage* page = entry.page;
  const auto lo = static_cast<std::uint8_t>(kSize == 8 ? 0 : addr & 7);
  if (CellIsStale(cell, page, gen)) [[unlikely]] {
    // Another run's histories, or forgotten memory: out of line (laying the word out
    // inline would cost the common path its registers).
    return FreshCellAccess<kSize, kWrite>(self, cell, page, addr, c);
  }
  if (TryCellFastOf<kSize>(cell, lo, kWrite, self->tid, self->vc, [c, self] {
        return std::pair{c->site(), self->run->sched->StepCount()};
      })) {
    return;  // epoch mode, one run of the word, no race
  }
  return CellRules<kSize, kWrite>(self, cell, addr, c);
}

// OnAccess in a run this OS thread has not learned (tls_fast_gen): LearnFastRun, then
// OnAccess again (it passes that test now) or, when the run's conditions do not hold,
// OtherRunAccess, as OnAccess did before it made this a tail call.
template <std::size_t kSize, bool kWrite>
[[gnu::noinline]] void NewRunAccess(ThreadState* self, std::uintptr_t addr, std::uintptr_t pc,
                                    const AccessClass* c) {
  if (!LearnFastRun(self->run)) return OtherRunAccess(self, addr, kSize, kWrite, pc, c);
  return OnAccess<kSize, kWrite>(addr, pc);
}

// __tsan_read_range / __tsan_write_range (a memset or memcpy the compiler emitted: a
// std::mutex's constructor zeroing its 40 bytes, a struct copied): OnAccess's tests in
// the same order, then CheckCellsCached for a range of up to kCachedRange bytes outside
// the special TLS range; anything else is Access's, as every range was before.
template <bool kWrite>
[[gnu::always_inline]] inline void OnRange(std::uintptr_t addr, std::size_t size,
                                           std::uintptr_t pc) {
  const AccessClass* c = FindAccessClass(pc);
  if (c != nullptr && !c->student) return;  // the lab's code (Access: StudentAccess)
  ThreadState* self = tls_self;
  if (c == nullptr || self == nullptr || tls_raw_calls > 0 || size == 0 ||
      size > kCachedRange) [[unlikely]] {
    return Access(addr, size, kWrite, pc);
  }
  Run* run = self->run;
  if ((run->gen != tls_fast_gen && !LearnFastRun(run)) ||
      g_free_threads.load(std::memory_order_relaxed) != 0) [[unlikely]] {
    return Access(addr, size, kWrite, pc);
  }
  if (!KnownOutsideLab(self)) [[unlikely]] return Access(addr, size, kWrite, pc);
  if (addr - tls_special.lo < tls_special.size || tls_special.lo - addr < size) {
    return Access(addr, size, kWrite, pc);  // overlaps the special TLS (or it is not known)
  }
  return CheckCellsCached<kWrite>(self, addr, size, c);
}

std::uintptr_t Ret(void* p) { return reinterpret_cast<std::uintptr_t>(p); }
std::uintptr_t Addr(const volatile void* p) { return reinterpret_cast<std::uintptr_t>(p); }

}  // namespace

void NoteThreadSpawned() {
  if (!InControlledRun()) g_free_threads.store(1, std::memory_order_seq_cst);
  g_spawned.store(true, std::memory_order_relaxed);
}

bool InDetector() { return tls_in_shadow; }

void LibraryRangeAccess(std::uintptr_t addr, std::size_t size, bool write, SiteRef site) {
  ThreadState* self = Checked();
  if (self == nullptr || size == 0) return;
  if (IsOnceHandOff(self, addr, size)) return;
  if (!write && addr - self->own_state < self->own_state_size) return;
  // The program's static TLS block (a student's thread_local std::string is each lab
  // thread's own copy, fiber_tls.h): not checked from here.
  if (self->run->mode == RunMode::kControlled) {
    if (!tls_exe_block.known) FindExeTlsBlock();
    if (addr - tls_exe_block.lo < tls_exe_block.size) return;
  }
  const std::uint32_t step = Account(self, addr, size, write, /*library=*/true);
  CheckCells(self, addr, size, write, site, step);
}

void ForgetRange(std::uintptr_t begin, std::size_t size) {
  if (tls_in_shadow || size == 0 || !AnyCell()) return;
  ForgetShadow(begin, size);
}

void ForgetOwnStack() {
  ThreadState* self = PeekSelf();
  if (self != nullptr && self->fiber != nullptr) {
    const auto* f = static_cast<const Fiber*>(self->fiber);
    if (f->stack == nullptr || f->stack_top == nullptr) return;
    // A fiber's stack has cells of this run only if a thread of this run used it before
    // (a fiber is one thread's at a time, and another run's cells are reset by their gen):
    // only then is there anything to forget. The calling OS thread runs the whole run, so
    // its table of the stacks it started threads on knows; an entry lost to another stack
    // means "maybe", and the stack is forgotten.
    struct StackUse {
      const void* stack = nullptr;
      std::uint64_t gen = 0;
    };
    static constinit LAB_STD_TLS StackUse uses[64];
    StackUse& u = uses[(Addr(f->stack) >> 18) % 64];
    const std::uint64_t gen = self->run != nullptr ? self->run->gen : 0;
    const bool maybe_used = u.stack != f->stack || u.gen == gen;
    u = StackUse{f->stack, gen};
    // The usable stack lies below stack_top (the guard page is at `stack`).
    if (maybe_used) ForgetRange(Addr(f->stack_top) - f->stack_size, f->stack_size);
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

// The entry points need no frame of their own (no interposer is ever found through them):
// without the frame pointer the inline path saves its setup and a register. GCC only
// (clang has no `optimize` attribute and keeps the frame).
#if defined(__clang__)
#define LAB_TSAN_ENTRY
#else
#define LAB_TSAN_ENTRY __attribute__((optimize("omit-frame-pointer")))
#endif

// The shadow stack of the calling lab thread (sites.h PushFrame / PopFrame) when its
// ThreadState knows it and it is this run's: a leaf without a call; anything else (no lab
// thread, a stack not looked up yet, one left by an earlier run) takes PushFrame /
// PopFrame, which find, create or reset it.
namespace {
[[gnu::always_inline]] inline lab::internal::stdcxx::ShadowStack* WarmStack() {
  const lab::internal::ThreadState* t = lab::internal::tls_self;
  if (t == nullptr) return nullptr;
  ShadowStack* s = KnownStackOf(t);
  if (s == nullptr) return nullptr;
  const std::uint64_t gen = t->run != nullptr ? t->run->gen : 0;
  return s->gen == gen && s->tid == t->tid ? s : nullptr;
}
[[gnu::noinline]] void PushFrameSlow(std::uintptr_t pc) { PushFrame(pc); }
[[gnu::noinline]] void PopFrameSlow() { PopFrame(); }
}  // namespace

LAB_TSAN_ENTRY void __tsan_func_entry(void* caller_pc) {
  ShadowStack* s = WarmStack();
  if (s == nullptr) [[unlikely]] return PushFrameSlow(Ret(caller_pc));
  if (s->depth < kMaxShadowDepth) s->pcs[s->depth] = Ret(caller_pc);
  ++s->depth;
}
LAB_TSAN_ENTRY void __tsan_func_exit() {
  ShadowStack* s = WarmStack();
  if (s == nullptr) [[unlikely]] return PopFrameSlow();
  if (s->depth > 0) --s->depth;
}
#define LAB_TSAN_RW(n)                                                                     \
  LAB_TSAN_ENTRY void __tsan_read##n(void* a) { OnAccess<n, false>(Addr(a), Ret(__builtin_return_address(0))); } \
  LAB_TSAN_ENTRY void __tsan_write##n(void* a) { OnAccess<n, true>(Addr(a), Ret(__builtin_return_address(0))); } \
  LAB_TSAN_ENTRY void __tsan_unaligned_read##n(void* a) {                                                   \
    OnAccess<n, false>(Addr(a), Ret(__builtin_return_address(0)));                           \
  }                                                                                          \
  LAB_TSAN_ENTRY void __tsan_unaligned_write##n(void* a) {                                                  \
    OnAccess<n, true>(Addr(a), Ret(__builtin_return_address(0)));                            \
  }
LAB_TSAN_RW(1)
LAB_TSAN_RW(2)
LAB_TSAN_RW(4)
LAB_TSAN_RW(8)
LAB_TSAN_RW(16)
#undef LAB_TSAN_RW

LAB_TSAN_ENTRY void __tsan_read_range(void* a, unsigned long size) {
  OnRange<false>(Addr(a), size, Ret(__builtin_return_address(0)));
}
LAB_TSAN_ENTRY void __tsan_write_range(void* a, unsigned long size) {
  OnRange<true>(Addr(a), size, Ret(__builtin_return_address(0)));
}

// lab/internal/tsan.h's annotations, in a program compiled with -fsanitize=thread without
// LAB_STD_DIALECT (library mode): the lab's runtime already orders its own primitives.
void __tsan_acquire(void*) {}
void __tsan_release(void*) {}

// A vtable pointer store (a constructor, a destructor) is a write of the object's first
// word; a virtual call reads it.
void __tsan_vptr_update(void** vptr, void* new_val) {
  if (*vptr == new_val) return;  // the same vtable again: no change another thread sees
  OnAccess<sizeof(void*), true>(Addr(vptr), Ret(__builtin_return_address(0)));
}
void __tsan_vptr_read(void** vptr) {
  OnAccess<sizeof(void*), false>(Addr(vptr), Ret(__builtin_return_address(0)));
}

}  // extern "C"
