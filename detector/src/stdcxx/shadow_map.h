// shadow_map.h — where the access histories of plain memory live (plain_memory.cc).
//
// One ShadowCell per aligned 8-byte word of application memory, holding the FastTrack
// history of each of its 8 bytes (byte granularity, as for TSan). Cells are found through
// a table indexed by the address, like a page table (no hash, no lock): 1 GiB regions ->
// 4 KiB pages -> one cell pointer per word. Tables and cells are created on first access
// (lock-free: a compare-and-swap installs them) and kept for the process; a cell is reset
// lazily when it belongs to another run (gen) or its page was forgotten since (epoch), so
// a new run or a fresh thread stack costs nothing up front.
//
// Concurrency: lookups and creation are safe from any thread. A cell's histories are not
// synchronised here: the caller serialises updates of one cell (plain_memory.cc: nothing
// to do in a controlled run, where one lab thread runs at a time; the cell's spin lock in
// a free run).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "race_detector.h"
#include "spin.h"
#include "std_tls.h"

namespace lab::internal::stdcxx {

struct ShadowCell {
  // The run the histories belong to (0: reset on next use). Atomic (relaxed): ForgetShadow
  // may clear it from another thread in a free run.
  std::atomic<std::uint64_t> gen{0};
  std::uint32_t page_epoch = 0;  // the page's epoch when they were reset
  std::atomic<bool> busy{false};  // free runs: held while the histories are updated
  // The word's bytes as runs of equal histories: bit b of `starts` is set when a run
  // starts at byte b (bit 0 always is); a run's history is kept in bytes[its first byte],
  // the others' are unused. After a reset the word is one run of empty histories. An
  // access covering part of a run splits it (the history is copied to the new run's first
  // byte), and each run inside the access gets the rules once: a word accessed whole (a
  // pointer, a long) or as the same ints (an int and its neighbour) costs one history
  // update per access instead of one per byte, with the same answers. Runs are merged only
  // by the reset. `split`: more than one run (kept for the tests' tallies).
  std::uint8_t starts = 1;
  bool split = false;
  // No access since the last reset: every run is empty, so the first access that does not
  // fit the runs lays the word out anew instead of splitting (CheckCellBytes).
  bool fresh = true;
  AccessHistory bytes[8];

  // Forget every access (another run's histories, or forgotten memory). Every run is
  // empty afterwards, so any layout of runs is a valid one: `keep_runs` keeps the word's
  // (the same code most likely runs on the same memory again, and a word whose bytes are
  // accessed apart is not split again in every run); otherwise the word is one run.
  void ResetHistories(bool keep_runs = false) {
    for (unsigned m = starts; m != 0; m &= m - 1) bytes[__builtin_ctz(m)].Reset();
    fresh = true;
    if (!keep_runs) {
      starts = 1;
      split = false;
    }
  }

  void lock() { SpinAcquire(busy); }
  void unlock() { busy.store(false, std::memory_order_release); }
};

// The rules for an access that is not exactly one run (CheckCellRace below): the runs are
// split at lo and hi, then each run of [lo, hi) gets them. Out of line: a word whose
// accesses differ in their bytes is rare (a struct of chars, a memcpy).
bool CheckCellBytes(ShadowCell* cell, std::uint8_t lo, std::uint8_t hi, bool write, Tid tid,
                    const VectorClock& vc, SiteRef site, std::uint32_t step, PriorAccess* race,
                    std::uint8_t* race_b);

// The rules on the bytes [lo, hi) of `cell` (0 <= lo < hi <= 8) for an access by `tid`
// at clock `vc` from `site` (at trace position `step`, race_detector.h): true when it
// races, with the first race found, byte by byte, given to `on_race(prior, byte)` (called
// only then, at most once); every byte records the access either way.
// The same answers and histories as eight separate AccessHistory objects (shadow_test.cc
// compares them on random programs), faster: a run of equal bytes costs one history
// update (starts). No separate same-access check: the repeat of an access is FastTrack's
// epoch-mode case, as cheap as comparing it with a remembered last access would be, and
// it records exactly what one AccessHistory per byte records.
// Always inline: it runs on every access, and a call with an optional<> result cost as
// much as the one-run case's work.
template <typename OnRace>
[[gnu::always_inline]] inline bool CheckCellWith(ShadowCell* cell, std::uint8_t lo,
                                                 std::uint8_t hi, bool write, Tid tid,
                                                 const VectorClock& vc, SiteRef site,
                                                 std::uint32_t step, OnRace&& on_race) {
  // Exactly one run: a run starts at lo and at hi (bit 8: the word's end), none between.
  const unsigned bounds = (cell->starts | 0x100u) & ((2u << hi) - 1) & ~((1u << lo) - 1);
  if (bounds == ((1u << lo) | (1u << hi))) [[likely]] {
    AccessHistory& h = cell->bytes[lo];
    const std::optional<PriorAccess> r =
        write ? h.OnWrite(tid, vc, site, step) : h.OnRead(tid, vc, site, step);
    cell->fresh = false;
    if (r.has_value()) [[unlikely]] {
      on_race(*r, lo);
      return true;
    }
    return false;
  }
  PriorAccess race;
  std::uint8_t race_b = 0;
  const bool raced = CheckCellBytes(cell, lo, hi, write, tid, vc, site, step, &race, &race_b);
  if (raced) on_race(race, race_b);
  return raced;
}

// For an access of kSize bytes at byte lo of a word (lo + kSize <= 8): the bits of `starts
// | 0x100` from lo to lo + kSize (mask) and those that make [lo, lo + kSize) exactly one
// run (want: a run starts at lo and at lo + kSize, none between). A table, so that the
// inline path of a sub-word access makes two loads instead of two variable shifts.
struct RunBounds {
  std::uint16_t mask = 0;
  std::uint16_t want = 0;
};
template <std::size_t kSize>
inline constexpr auto kRunBounds = [] {
  std::array<RunBounds, 8> t{};
  for (unsigned lo = 0; lo + kSize <= 8; ++lo) {
    const unsigned hi = lo + static_cast<unsigned>(kSize);
    t[lo] = RunBounds{static_cast<std::uint16_t>(((2u << hi) - 1) & ~((1u << lo) - 1)),
                      static_cast<std::uint16_t>((1u << lo) | (1u << hi))};
  }
  return t;
}();

// TryCellFast's test for an access of kSize bytes at byte lo: whether it is exactly one run.
template <std::size_t kSize>
[[gnu::always_inline]] inline bool IsOneRun(const ShadowCell* cell, std::uint8_t lo) {
  if constexpr (kSize == 8) {
    return cell->starts == 1;  // the whole word: one run iff no other starts
  } else {
    const RunBounds b = kRunBounds<kSize>[lo & 7];
    return ((cell->starts | 0x100u) & b.mask) == b.want;
  }
}

// CheckCellWith's common case alone, without a call: the access is exactly one run of
// the word and FastTrack's epoch-mode rules record it without a race
// (AccessHistory::TryReadFast / TryWriteFast). True when it applied; false, and nothing
// changed, when CheckCellWith must decide.
[[gnu::always_inline]] inline bool TryCellFast(ShadowCell* cell, std::uint8_t lo, std::uint8_t hi,
                                               bool write, Tid tid, const VectorClock& vc,
                                               SiteRef site, std::uint32_t step) {
  if (lo == 0 && hi == 8) {
    if (cell->starts != 1) return false;  // the whole word: one run iff no other starts
  } else {
    const unsigned bounds = (cell->starts | 0x100u) & ((2u << hi) - 1) & ~((1u << lo) - 1);
    if (bounds != ((1u << lo) | (1u << hi))) return false;
  }
  AccessHistory& h = cell->bytes[lo];
  if (!(write ? h.TryWriteFast(tid, vc, site, step) : h.TryReadFast(tid, vc, site, step))) {
    return false;
  }
  cell->fresh = false;
  return true;
}

// ResetHistories (either way) followed by CheckCell of an access of [lo, hi), in fewer
// steps: after the reset every history is empty, so the access races with nothing, and any
// layout of runs is a valid one: the word becomes the runs before, of and after the access
// (as CheckCellBytes lays a fresh word out), and only those runs' first bytes are reset
// (the other bytes are no run's first: no rule reads them, and a later split (a copy) or
// layout (a reset) overwrites them first). shadow_test.cc checks it against the reference
// as it does CheckCell.
inline void ResetAndAccess(ShadowCell* cell, std::uint8_t lo, std::uint8_t hi, bool write,
                           Tid tid, const VectorClock& vc, SiteRef site, std::uint32_t step) {
  const unsigned laid = 1u | (1u << lo) | (hi < 8 ? 1u << hi : 0u);
  for (unsigned m = laid; m != 0; m &= m - 1) cell->bytes[__builtin_ctz(m)].Reset();
  cell->starts = static_cast<std::uint8_t>(laid);
  cell->split = laid != 1;
  cell->fresh = false;
  // An empty history has nothing to race with: the access is recorded as TryReadFast /
  // TryWriteFast would, without their tests.
  cell->bytes[lo].RecordIntoEmpty(write, tid, vc, site, step);
}

// TryCellFast for an access of kSize bytes (a plain access's inline path): the run test
// by table (IsOneRun), the rest the same; the site and step come from `where()` (a pair),
// asked only once the tests passed, so the tests keep few registers live.
template <std::size_t kSize, class Where>
[[gnu::always_inline]] inline bool TryCellFastOf(ShadowCell* cell, std::uint8_t lo, bool write,
                                                 Tid tid, const VectorClock& vc, Where where) {
  if (!IsOneRun<kSize>(cell, lo)) return false;
  AccessHistory& h = cell->bytes[lo];
  if (!(write ? h.CanWriteFast(tid, vc) : h.CanReadFast(tid, vc))) return false;
  const auto [site, step] = where();
  if (write) {
    h.StampWrite(tid, vc, site, step);
  } else {
    h.StampRead(tid, vc, site, step);
  }
  cell->fresh = false;
  return true;
}

// The same, the race in `*race` and its byte in `*race_b`.
inline bool CheckCellRace(ShadowCell* cell, std::uint8_t lo, std::uint8_t hi, bool write,
                          Tid tid, const VectorClock& vc, SiteRef site, std::uint32_t step,
                          PriorAccess* race, std::uint8_t* race_b) {
  return CheckCellWith(cell, lo, hi, write, tid, vc, site, step,
                       [&](const PriorAccess& p, std::uint8_t b) {
                         *race = p;
                         *race_b = b;
                       });
}

// The same rules, the race as an optional (shadow_test.cc).
inline std::optional<PriorAccess> CheckCell(ShadowCell* cell, std::uint8_t lo,
                                            std::uint8_t hi, bool write, Tid tid,
                                            const VectorClock& vc, SiteRef site,
                                            std::uint32_t step, std::uint8_t* race_b) {
  PriorAccess race;
  if (CheckCellRace(cell, lo, hi, write, tid, vc, site, step, &race, race_b)) return race;
  return std::nullopt;
}

// The table's page level: the cells of one 4 KiB page of application memory.
struct ShadowPage {
  std::atomic<std::uint32_t> epoch{1};  // bumped when the whole page is forgotten
  std::atomic<ShadowCell*> cells[512];
};

// CellIsStale: whether `cell` (of `page`) holds another run's histories or its memory was
// forgotten since. FreshenCell resets it then.
// Resets `cell` (of `page`) if its histories are another run's or its memory was forgotten
// since (a fresh heap block, a new stack): the caller holds the cell (see above).
inline bool CellIsStale(const ShadowCell* cell, const ShadowPage* page, std::uint64_t gen) {
  return cell->gen.load(std::memory_order_relaxed) != gen ||
         cell->page_epoch != page->epoch.load(std::memory_order_relaxed);
}
// Another run's histories on memory not forgotten since (a thread's stack frames, a
// global: the same code most likely runs on it again) keep the word's runs; forgotten
// memory (a fresh heap block, a new thread's stack: gen 0 or a new page epoch) starts as
// one run.
inline void FreshenCell(ShadowCell* cell, const ShadowPage* page, std::uint64_t gen) {
  const std::uint32_t page_epoch = page->epoch.load(std::memory_order_relaxed);
  const std::uint64_t cell_gen = cell->gen.load(std::memory_order_relaxed);
  if (cell_gen != gen || cell->page_epoch != page_epoch) {
    cell->ResetHistories(/*keep_runs=*/cell_gen != 0 && cell->page_epoch == page_epoch);
    cell->gen.store(gen, std::memory_order_relaxed);
    cell->page_epoch = page_epoch;
  }
}

// Marks `cell` (of `page`) as holding run `gen`'s histories, as FreshenCell does after its
// reset, for a caller that resets the histories itself.
inline void SetCellGen(ShadowCell* cell, const ShadowPage* page, std::uint64_t gen) {
  cell->gen.store(gen, std::memory_order_relaxed);
  cell->page_epoch = page->epoch.load(std::memory_order_relaxed);
}

// The cell of the word holding `addr`, created if absent, with `*page` set to its page;
// null for an address outside the 47-bit user address space (not checked).
ShadowCell* CellForSlow(std::uintptr_t addr, ShadowPage** page);

// The calling OS thread's last pages, two-way set-associative by a hash of the page
// number (pages are never freed: the pointers stay valid). Accesses alternate between the
// fibers' stacks, the heap and globals; fiber stacks lie at a fixed stride, so the page
// number's low bits alone would map every fiber's top page to one entry, and two hot pages
// sharing a set must not evict each other at every access.
struct ShadowPageCache {
  std::uintptr_t page_number = ~std::uintptr_t{0};
  ShadowPage* page = nullptr;
};
inline constexpr std::size_t kShadowPageCache = 128;  // 64 sets of two ways
extern constinit LAB_STD_TLS ShadowPageCache
    tls_shadow_pages[kShadowPageCache];
// The set of `addr`'s page: its most recent way first.
inline ShadowPageCache* ShadowPageSet(std::uintptr_t addr) {
  return &tls_shadow_pages[(((addr >> 12) * 0x9E3779B97F4A7C15ull) >> 58) * 2];
}
// The cached page of `addr`, or null.
inline ShadowPage* CachedShadowPage(std::uintptr_t addr) {
  const ShadowPageCache* set = ShadowPageSet(addr);
  if (set[0].page_number == (addr >> 12)) [[likely]] return set[0].page;
  if (set[1].page_number == (addr >> 12)) return set[1].page;
  return nullptr;
}
// Remembers `page` as the page of `addr` (its set's most recent way).
inline void CacheShadowPage(std::uintptr_t addr, ShadowPage* page) {
  ShadowPageCache* set = ShadowPageSet(addr);
  if (set[0].page_number != (addr >> 12)) set[1] = set[0];
  set[0] = ShadowPageCache{addr >> 12, page};
}

// The calling OS thread's last cells, direct-mapped by word (cells and pages are never
// freed: the pointers stay valid; a cell's staleness is its own gen and page epoch): the
// inline path of a plain access finds its cell with one compare instead of the page
// cache's hash, compare and two loads.
struct alignas(32) ShadowCellCache {
  std::uintptr_t word = ~std::uintptr_t{0};  // addr >> 3
  ShadowCell* cell = nullptr;
  ShadowPage* page = nullptr;
};
inline constexpr std::size_t kShadowCellCache = 1024;
extern constinit LAB_STD_TLS ShadowCellCache
    tls_shadow_cells[kShadowCellCache];
// The entry of word `word` (addr >> 3): fiber stacks lie at a stride of a power of two
// pages plus a guard page, so the word's higher bits are folded in.
inline ShadowCellCache& ShadowCellEntry(std::uintptr_t word) {
  return tls_shadow_cells[(word ^ (word >> 10)) & (kShadowCellCache - 1)];
}

inline ShadowCell* CellFor(std::uintptr_t addr, ShadowPage** page) {
  if (ShadowPage* p = CachedShadowPage(addr)) {
    ShadowCell* cell = p->cells[(addr >> 3) & 511].load(std::memory_order_acquire);
    if (cell != nullptr) {
      *page = p;
      return cell;
    }
  }
  return CellForSlow(addr, page);
}

// Whether any cell exists yet (ForgetRange returns at once until then).
bool AnyCell();

// Forgets the histories of [begin, begin + size): whole pages by their epoch, the words
// of a partial page one by one. Costs a table probe per page without cells.
void ForgetShadow(std::uintptr_t begin, std::size_t size);

}  // namespace lab::internal::stdcxx
