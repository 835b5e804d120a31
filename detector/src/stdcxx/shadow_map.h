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

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "race_detector.h"

namespace lab::internal::stdcxx {

struct ShadowCell {
  // The run the histories belong to (0: reset on next use). Atomic (relaxed): ForgetShadow
  // may clear it from another thread in a free run.
  std::atomic<std::uint64_t> gen{0};
  std::uint32_t page_epoch = 0;  // the page's epoch when they were reset
  std::atomic<bool> busy{false};  // free runs: held while the histories are updated
  // The last access to the word, kept only when it found no race (`last_valid`): the same
  // access again (same thread, epoch, kind, site, bytes within) would change no history
  // and find no race, so it returns before the per-byte rules (FastTrack's common case).
  bool last_valid = false;
  bool last_write = false;
  std::uint8_t last_lo = 0, last_hi = 0;  // byte offsets [lo, hi) in the word
  Tid last_tid = kNoTid;
  std::uint32_t last_clock = 0;
  SiteRef last_site;
  // Uniform mode (!split): every access since the reset covered exactly the bytes
  // [ulo, uhi) (empty when ulo == uhi), so their histories are equal and bytes[ulo] alone
  // is kept and updated, the others being empty. The first access covering other bytes
  // copies it into [ulo + 1, uhi) and the word is split: byte by byte from then on.
  // A word accessed whole (a pointer, a long) or always as the same int costs one history
  // update per access instead of one per byte, with the same answers.
  std::uint8_t ulo = 0, uhi = 0;
  bool split = false;
  AccessHistory bytes[8];

  // Forget every access (another run's histories, or forgotten memory).
  void ResetHistories() {
    if (split) {
      for (AccessHistory& h : bytes) h.Reset();
    } else if (ulo != uhi) {
      bytes[ulo].Reset();
    }
    split = false;
    ulo = uhi = 0;
    last_valid = false;
  }

  void lock() {
    while (busy.exchange(true, std::memory_order_acquire)) __builtin_ia32_pause();
  }
  void unlock() { busy.store(false, std::memory_order_release); }
};

// FastTrack's rules (race_detector.h) on the bytes [lo, hi) of `cell` (0 <= lo < hi <= 8)
// for an access by `tid` at clock `vc` from `site` (at trace position `step`, race_detector.h): the first race found, byte by byte,
// with its byte in `*race_b`, or nothing; every byte records the access either way.
// The same answers and histories as eight separate AccessHistory objects (shadow_test.cc
// compares them on random programs), faster: the same access again returns at once
// (last_valid), and a uniform word costs one history update (split).
// Inline: it runs on every access (a call and its optional<> return cost as much as the
// uniform case's work).
inline std::optional<PriorAccess> CheckCell(ShadowCell* cell, std::uint8_t lo,
                                            std::uint8_t hi, bool write, Tid tid,
                                            const VectorClock& vc, SiteRef site,
                                            std::uint32_t step, std::uint8_t* race_b) {
  const std::uint32_t clock = vc.Get(tid);
  if (cell->last_valid && cell->last_tid == tid && cell->last_clock == clock &&
      cell->last_write == write && lo >= cell->last_lo && hi <= cell->last_hi &&
      cell->last_site.file == site.file && cell->last_site.line == site.line) {
    // The last access to the word again, in the same epoch: the rules would record what
    // the bytes hold already (this thread's epoch and site) and find no race, since the
    // last one found none and the clock has only grown since.
    return std::nullopt;
  }
  std::optional<PriorAccess> race;
  if (!cell->split) {
    if (cell->ulo == cell->uhi) {
      cell->ulo = lo;  // the first access since the reset: every other byte is empty
      cell->uhi = hi;
    }
    if (cell->ulo == lo && cell->uhi == hi) {
      AccessHistory& h = cell->bytes[lo];
      race = write ? h.OnWrite(tid, vc, site, step) : h.OnRead(tid, vc, site, step);
      if (race) *race_b = lo;
    } else {
      for (std::uint8_t b = cell->ulo + 1; b < cell->uhi; ++b) cell->bytes[b] = cell->bytes[cell->ulo];
      cell->split = true;
    }
  }
  if (cell->split) {
    for (std::uint8_t b = lo; b < hi; ++b) {
      AccessHistory& h = cell->bytes[b];
      auto r = write ? h.OnWrite(tid, vc, site, step) : h.OnRead(tid, vc, site, step);
      if (r && !race) {
        race = r;
        *race_b = b;
      }
    }
  }
  cell->last_valid = !race;
  cell->last_write = write;
  cell->last_lo = lo;
  cell->last_hi = hi;
  cell->last_tid = tid;
  cell->last_clock = clock;
  cell->last_site = site;
  return race;
}

// The table's page level: the cells of one 4 KiB page of application memory.
struct ShadowPage {
  std::atomic<std::uint32_t> epoch{1};  // bumped when the whole page is forgotten
  std::atomic<ShadowCell*> cells[512];
};

// The cell of the word holding `addr`, created if absent, with `*page` set to its page;
// null for an address outside the 47-bit user address space (not checked).
ShadowCell* CellForSlow(std::uintptr_t addr, ShadowPage** page);

// The calling OS thread's last pages, direct-mapped by page number (pages are never
// freed: the pointers stay valid). Accesses alternate between a fiber's stack, the heap
// and globals: one entry would miss on most of them.
struct ShadowPageCache {
  std::uintptr_t page_number = ~std::uintptr_t{0};
  ShadowPage* page = nullptr;
};
inline constexpr std::size_t kShadowPageCache = 16;
extern constinit __attribute__((tls_model("initial-exec"))) thread_local ShadowPageCache
    tls_shadow_pages[kShadowPageCache];

inline ShadowCell* CellFor(std::uintptr_t addr, ShadowPage** page) {
  ShadowPageCache& c = tls_shadow_pages[(addr >> 12) % kShadowPageCache];
  if ((addr >> 12) == c.page_number) {
    ShadowCell* cell = c.page->cells[(addr >> 3) & 511].load(std::memory_order_acquire);
    if (cell != nullptr) {
      *page = c.page;
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
