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
  AccessHistory bytes[8];

  void lock() {
    while (busy.exchange(true, std::memory_order_acquire)) __builtin_ia32_pause();
  }
  void unlock() { busy.store(false, std::memory_order_release); }
};

// The table's page level: the cells of one 4 KiB page of application memory.
struct ShadowPage {
  std::atomic<std::uint32_t> epoch{1};  // bumped when the whole page is forgotten
  std::atomic<ShadowCell*> cells[512];
};

// The cell of the word holding `addr`, created if absent, with `*page` set to its page;
// null for an address outside the 47-bit user address space (not checked).
ShadowCell* CellFor(std::uintptr_t addr, ShadowPage** page);

// Whether any cell exists yet (ForgetRange returns at once until then).
bool AnyCell();

// Forgets the histories of [begin, begin + size): whole pages by their epoch, the words
// of a partial page one by one. Costs a table probe per page without cells.
void ForgetShadow(std::uintptr_t begin, std::size_t size);

}  // namespace lab::internal::stdcxx
