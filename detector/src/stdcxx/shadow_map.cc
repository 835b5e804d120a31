// shadow_map.cc — see shadow_map.h.
#include "shadow_map.h"
#include "std_tls.h"

#include <sys/mman.h>

#include <cstdlib>
#include <new>

namespace lab::internal::stdcxx {
namespace {

constexpr int kPageShift = 12;    // 4 KiB pages, 512 words each
constexpr int kRegionShift = 30;  // 1 GiB regions, 2^18 pages each
constexpr std::size_t kPagesPerRegion = std::size_t{1} << (kRegionShift - kPageShift);
constexpr std::size_t kRegions = std::size_t{1} << (47 - kRegionShift);

struct Region {
  std::atomic<ShadowPage*> pages[kPagesPerRegion];
};

// 1 MiB of zero-initialised .bss, touched by the kernel page by page as regions appear.
std::atomic<Region*> g_regions[kRegions];
std::atomic<bool> g_any_cell{false};

// Zeroed memory that is never freed. Large tables come from mmap (a region's page array is
// 2 MiB, reserved but backed only where written); the caller is inside the detector, so
// nothing here may route back into operator new's ForgetRange.
void* ZeroedRaw(std::size_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                 -1, 0);
  if (p == MAP_FAILED) std::abort();  // out of address space: nothing sensible to report
  return p;
}

// Installs a fresh object in `slot` unless another thread did first; returns the winner.
template <typename T, typename Make, typename Drop>
T* Install(std::atomic<T*>& slot, Make make, Drop drop) {
  T* cur = slot.load(std::memory_order_acquire);
  if (cur != nullptr) return cur;
  T* fresh = make();
  if (slot.compare_exchange_strong(cur, fresh, std::memory_order_acq_rel)) return fresh;
  drop(fresh);
  return cur;
}

Region* NewRegion() { return static_cast<Region*>(ZeroedRaw(sizeof(Region))); }
ShadowPage* NewPage() {
  void* p = std::calloc(1, sizeof(ShadowPage));
  if (p == nullptr) std::abort();
  return new (p) ShadowPage;  // epoch 1, null cells (calloc zeroed them)
}
ShadowCell* NewCell() {
  void* p = std::malloc(sizeof(ShadowCell));
  if (p == nullptr) std::abort();
  return new (p) ShadowCell;
}

}  // namespace

constinit LAB_STD_TLS ShadowPageCache
    tls_shadow_pages[kShadowPageCache];
constinit LAB_STD_TLS ShadowCellCache
    tls_shadow_cells[kShadowCellCache];

ShadowCell* CellForSlow(std::uintptr_t addr, ShadowPage** page_out) {
  if ((addr >> 47) != 0) return nullptr;
  Region* r = Install(g_regions[addr >> kRegionShift], NewRegion,
                      [](Region* x) { munmap(x, sizeof(Region)); });
  ShadowPage* page = Install(r->pages[(addr >> kPageShift) & (kPagesPerRegion - 1)], NewPage,
                             [](ShadowPage* x) { std::free(x); });
  *page_out = page;
  CacheShadowPage(addr, page);
  std::atomic<ShadowCell*>& slot = page->cells[(addr >> 3) & 511];
  ShadowCell* cell = slot.load(std::memory_order_acquire);
  if (cell != nullptr) return cell;
  cell = Install(slot, NewCell, [](ShadowCell* x) {
    x->~ShadowCell();
    std::free(x);
  });
  g_any_cell.store(true, std::memory_order_relaxed);
  return cell;
}

bool CheckCellBytes(ShadowCell* cell, std::uint8_t lo, std::uint8_t hi, bool write, Tid tid,
                    const VectorClock& vc, SiteRef site, std::uint32_t step, PriorAccess* race,
                    std::uint8_t* race_b) {
  // A run starts at byte b from now on: the run holding b gives it a copy of its history.
  auto split_at = [cell](unsigned b) {
    if (b >= 8 || ((cell->starts >> b) & 1u) != 0) return;
    const unsigned from = 31u - static_cast<unsigned>(__builtin_clz(cell->starts & ((1u << b) - 1)));
    cell->bytes[b] = cell->bytes[from];
    cell->starts = static_cast<std::uint8_t>(cell->starts | (1u << b));
    cell->split = true;
  };
  if (cell->fresh) {
    // Every run is empty: the word becomes the runs before, of and after this access (a
    // layout kept from another run need not fit this one's accesses), without copies.
    // Starts that were not starts hold stale histories: reset.
    const unsigned laid = 1u | (1u << lo) | (hi < 8 ? 1u << hi : 0u);
    for (unsigned m = laid & ~unsigned{cell->starts}; m != 0; m &= m - 1) {
      cell->bytes[__builtin_ctz(m)].Reset();
    }
    cell->starts = static_cast<std::uint8_t>(laid);
    cell->split = laid != 1;
    cell->fresh = false;
  }
  split_at(lo);
  split_at(hi);
  bool raced = false;
  for (unsigned m = cell->starts & ((1u << hi) - 1) & ~((1u << lo) - 1); m != 0; m &= m - 1) {
    const auto b = static_cast<std::uint8_t>(__builtin_ctz(m));
    AccessHistory& h = cell->bytes[b];
    auto r = write ? h.OnWrite(tid, vc, site, step) : h.OnRead(tid, vc, site, step);
    if (r && !raced) {
      raced = true;
      *race = *r;
      *race_b = b;
    }
  }
  return raced;
}

bool AnyCell() { return g_any_cell.load(std::memory_order_relaxed); }

namespace {

// The words of [lo, hi) (within one page): their cells reset on next use (a word partly
// inside is forgotten whole: fresh memory's neighbours are the allocator's).
void ForgetWords(ShadowPage* page, std::uintptr_t lo, std::uintptr_t hi) {
  const std::size_t first = (lo >> 3) & 511;
  const std::size_t last = ((hi - 1) >> 3) & 511;
  for (std::size_t i = first; i <= last; ++i) {
    ShadowCell* cell = page->cells[i].load(std::memory_order_acquire);
    if (cell != nullptr) cell->gen.store(0, std::memory_order_relaxed);
  }
}

}  // namespace

void ForgetShadow(std::uintptr_t begin, std::size_t size) {
  if (size == 0 || (begin >> 47) != 0) return;
  std::uintptr_t end = begin + size;
  if ((end >> 47) != 0 || end < begin) end = std::uintptr_t{1} << 47;
  constexpr std::uintptr_t kPage = std::uintptr_t{1} << kPageShift;
  // A small block in a page this thread used lately (operator new's common case): the
  // page cache has it.
  if (size < kPage && (begin >> kPageShift) == ((end - 1) >> kPageShift)) {
    if (ShadowPage* page = CachedShadowPage(begin)) {
      ForgetWords(page, begin, end);
      return;
    }
  }
  std::uintptr_t p = begin & ~(kPage - 1);
  while (p < end) {
    // Region by region: a thread's whole stack (64 pages of a fiber) is a scan of one
    // array of page pointers, most of them null.
    Region* r = g_regions[p >> kRegionShift].load(std::memory_order_acquire);
    const std::uintptr_t region_end = ((p >> kRegionShift) + 1) << kRegionShift;
    const std::uintptr_t stop = region_end < end ? region_end : end;
    if (r == nullptr) {
      p = stop;
      continue;
    }
    for (; p < stop; p += kPage) {
      ShadowPage* page = r->pages[(p >> kPageShift) & (kPagesPerRegion - 1)].load(
          std::memory_order_acquire);
      if (page == nullptr) continue;
      const std::uintptr_t lo = p < begin ? begin : p;
      const std::uintptr_t hi = p + kPage < end ? p + kPage : end;
      if (lo == p && hi == p + kPage) {
        page->epoch.fetch_add(1, std::memory_order_relaxed);  // every cell: reset on next use
      } else {
        ForgetWords(page, lo, hi);  // a partial page: the words the range touches
      }
    }
  }
}

}  // namespace lab::internal::stdcxx
