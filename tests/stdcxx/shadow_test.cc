// shadow_test.cc — the plain-memory shadow (stdcxx/shadow_map.h): CheckCell against eight
// separate AccessHistory objects (one per byte, the plain reading of byte granularity) on
// random programs, and the table's lookup and forgetting.
#include "shadow_map.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <vector>

namespace lab::internal::stdcxx {
namespace {

const char* const kFiles[] = {"a.cpp", "b.cpp"};

struct Tally {
  int accesses = 0;
  int races = 0;
  int splits = 0;
  int fused_resets = 0;  // ResetAndAccess
};

// Threads with vector clocks ordered by locks (release: the lock's clock joins the
// thread's, then the thread ticks; acquire: the thread's joins the lock's), doing random
// accesses of 1, 2, 4 or 8 bytes (aligned or not) to one word, with a reset now and then.
// Every access must get the reference's answer: the same race (or none), the same byte.
void RunRandomWord(std::uint32_t seed, Tally* tally) {
  std::mt19937 rng(seed);
  auto roll = [&rng](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const Tid threads = 2 + seed % 3;
  std::vector<VectorClock> vc(threads), lock_vc(2);
  for (Tid t = 0; t < threads; ++t) vc[t].Set(t, 1);
  ShadowCell cell;
  AccessHistory ref[8];
  // A few programs mostly sync (few races, long same-epoch runs are rarer), others rarely.
  const int sync_per_mille = seed % 2 == 0 ? 100 : 500;
  for (int step = 0; step < 3000; ++step) {
    const Tid t = static_cast<Tid>(roll(static_cast<int>(threads)));
    if (roll(1000) < sync_per_mille) {
      VectorClock& l = lock_vc[roll(2)];
      if (roll(2) == 0) {
        l.Join(vc[t]);
        vc[t].Tick(t);
      } else {
        vc[t].Join(l);
      }
      continue;
    }
    const bool reset = roll(400) == 0;
    if (reset) {
      // Either reset (another run's histories keep the word's runs, forgotten memory
      // does not): every byte forgets all the same.
      for (AccessHistory& h : ref) h.Reset();
    }
    static const int kSizes[] = {1, 2, 4, 8};
    const int size = kSizes[roll(4)];
    const int lo = roll(3) == 0 ? roll(9 - size) : (roll(8 / size) * size);
    const auto hi = static_cast<std::uint8_t>(lo + size);
    const bool write = roll(2) == 0;
    const SiteRef site{kFiles[roll(2)], static_cast<std::uint32_t>(1 + roll(2))};
    if (reset && roll(2) == 0) {
      // A reset and the access at once (plain_memory.cc's first access of a word in a run):
      // the same as the reset and then the access.
      for (int b = lo; b < hi; ++b) {
        ASSERT_FALSE((write ? ref[b].OnWrite(t, vc[t], site) : ref[b].OnRead(t, vc[t], site))
                         .has_value());
      }
      ResetAndAccess(&cell, static_cast<std::uint8_t>(lo), hi, write, t, vc[t], site, 0);
      ++tally->fused_resets;
      ++tally->accesses;
      continue;
    }
    if (reset) cell.ResetHistories(/*keep_runs=*/roll(2) == 0);
    std::optional<PriorAccess> want;
    int want_b = -1;
    for (int b = lo; b < hi; ++b) {
      auto r = write ? ref[b].OnWrite(t, vc[t], site) : ref[b].OnRead(t, vc[t], site);
      if (r && !want) {
        want = r;
        want_b = b;
      }
    }
    std::uint8_t got_b = 0xff;
    const bool was_split = cell.split;
    const std::optional<PriorAccess> got =
        CheckCell(&cell, static_cast<std::uint8_t>(lo), hi, write, t, vc[t], site, 0, &got_b);
    tally->splits += !was_split && cell.split;
    ++tally->accesses;
    ASSERT_EQ(got.has_value(), want.has_value())
        << "seed " << seed << " step " << step << ": bytes [" << lo << "," << int{hi} << ") "
        << (write ? "write" : "read") << " by " << t;
    if (!want) continue;
    ++tally->races;
    EXPECT_EQ(int{got_b}, want_b) << "seed " << seed << " step " << step;
    EXPECT_EQ(got->tid, want->tid) << "seed " << seed << " step " << step;
    EXPECT_EQ(got->site, want->site) << "seed " << seed << " step " << step;
    EXPECT_EQ(got->is_write, want->is_write) << "seed " << seed << " step " << step;
  }
}

TEST(ShadowCellTest, MatchesOneHistoryPerByte) {
  Tally total;
  for (std::uint32_t seed = 1; seed <= 80; ++seed) {
    RunRandomWord(seed, &total);
    ASSERT_FALSE(HasFailure()) << "seed " << seed;
  }
  // Both answers and the split must be common, or the comparison proves little.
  EXPECT_GT(total.races, 2000);
  EXPECT_GT(total.accesses - total.races, 20000);
  EXPECT_GT(total.splits, 100);
  EXPECT_GT(total.fused_resets, 100);
}

// The table of IsOneRun (the inline path's run test) against the shifts of CheckCellWith,
// for every layout of runs and every place of an access of each size.
template <std::size_t kSize>
void ExpectRunTableMatches() {
  ShadowCell cell;
  for (unsigned starts = 1; starts < 256; starts += 2) {
    cell.starts = static_cast<std::uint8_t>(starts);
    for (unsigned lo = 0; lo + kSize <= 8; ++lo) {
      const unsigned hi = lo + static_cast<unsigned>(kSize);
      const unsigned bounds = (starts | 0x100u) & ((2u << hi) - 1) & ~((1u << lo) - 1);
      EXPECT_EQ(IsOneRun<kSize>(&cell, static_cast<std::uint8_t>(lo)),
                bounds == ((1u << lo) | (1u << hi)))
          << "starts " << starts << " lo " << lo << " size " << kSize;
    }
  }
}
TEST(ShadowCellTest, RunTableMatchesTheShifts) {
  ExpectRunTableMatches<1>();
  ExpectRunTableMatches<2>();
  ExpectRunTableMatches<4>();
  ExpectRunTableMatches<8>();
}

// A thread reading its own word again and again: the repeats change nothing, and a write
// by another thread still races with the latest read's site.
TEST(ShadowCellTest, RepeatedAccessKeepsTheLatestSite) {
  ShadowCell cell;
  VectorClock t0, t1;
  t0.Set(0, 1);
  t1.Set(1, 1);
  std::uint8_t b = 0;
  EXPECT_FALSE(CheckCell(&cell, 0, 8, false, 0, t0, SiteRef{kFiles[0], 1}, 0, &b));
  EXPECT_FALSE(CheckCell(&cell, 0, 8, false, 0, t0, SiteRef{kFiles[0], 1}, 0, &b));
  EXPECT_FALSE(CheckCell(&cell, 2, 4, false, 0, t0, SiteRef{kFiles[0], 1}, 0, &b));
  EXPECT_FALSE(CheckCell(&cell, 0, 8, false, 0, t0, SiteRef{kFiles[0], 2}, 0, &b));
  const std::optional<PriorAccess> r = CheckCell(&cell, 4, 8, true, 1, t1, SiteRef{kFiles[1], 9}, 0, &b);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->tid, 0u);
  EXPECT_EQ(r->site, (SiteRef{kFiles[0], 2}));
  EXPECT_FALSE(r->is_write);
  EXPECT_EQ(b, 4);
}

TEST(ShadowMapTest, OneCellPerWordAndForgetting) {
  alignas(4096) static char buf[3 * 4096];
  const auto base = reinterpret_cast<std::uintptr_t>(buf);
  ShadowPage* page = nullptr;
  ShadowPage* page2 = nullptr;
  ShadowCell* c0 = CellFor(base, &page);
  ASSERT_NE(c0, nullptr);
  EXPECT_EQ(CellFor(base + 7, &page2), c0);
  EXPECT_EQ(page2, page);
  ShadowCell* c1 = CellFor(base + 8, &page2);
  EXPECT_NE(c1, c0);
  EXPECT_TRUE(AnyCell());
  // Beyond the 47-bit user address space: not checked.
  EXPECT_EQ(CellFor(std::uintptr_t{1} << 47, &page2), nullptr);

  c0->gen.store(5);
  c1->gen.store(5);
  // A partial page: the words it touches, one by one (the word of base + 9 is c1's).
  ForgetShadow(base + 9, 1);
  EXPECT_EQ(c0->gen.load(), 5u);
  EXPECT_EQ(c1->gen.load(), 0u);
  // The whole page: its epoch.
  const std::uint32_t epoch = page->epoch.load();
  ForgetShadow(base, 4096);
  EXPECT_EQ(page->epoch.load(), epoch + 1);
  EXPECT_EQ(c0->gen.load(), 5u);  // reset lazily, by the epoch
  // A range over pages without cells costs nothing and changes nothing.
  ForgetShadow(base + 4096, 2 * 4096);
  EXPECT_EQ(page->epoch.load(), epoch + 1);
}

}  // namespace
}  // namespace lab::internal::stdcxx
