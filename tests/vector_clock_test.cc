// vector_clock_test.cc — VectorClock against its contract and against a naive map model.
#include "vector_clock.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <vector>

namespace lab::internal {
namespace {

// The naive model: a sparse map, absent = 0.
using Model = std::map<Tid, std::uint32_t>;

std::uint32_t ModelGet(const Model& m, Tid t) {
  auto it = m.find(t);
  return it == m.end() ? 0 : it->second;
}

bool ModelLessOrEqual(const Model& a, const Model& b) {
  for (const auto& [t, v] : a) {
    if (v > ModelGet(b, t)) return false;
  }
  return true;
}

VectorClock Make(std::initializer_list<std::uint32_t> components) {
  VectorClock c;
  Tid t = 0;
  for (std::uint32_t v : components) c.Set(t++, v);
  return c;
}

TEST(VectorClockTest, AbsentComponentsReadAsZero) {
  VectorClock c;
  EXPECT_EQ(c.Get(0), 0u);
  EXPECT_EQ(c.Get(1000), 0u);
  c.Set(3, 7);
  EXPECT_EQ(c.Get(3), 7u);
  EXPECT_EQ(c.Get(2), 0u);
  EXPECT_EQ(c.Get(4), 0u);
  EXPECT_EQ(c.size(), 4u);
}

TEST(VectorClockTest, SettingZeroBeyondTheEndDoesNotGrow) {
  VectorClock c;
  c.Set(100000, 0);
  EXPECT_EQ(c.size(), 0u);
  c.Set(1, 5);
  c.Set(1, 0);
  EXPECT_EQ(c.Get(1), 0u);
}

TEST(VectorClockTest, TickIncrementsOneComponent) {
  VectorClock c;
  c.Tick(2);
  c.Tick(2);
  c.Tick(0);
  EXPECT_EQ(c.Get(2), 2u);
  EXPECT_EQ(c.Get(0), 1u);
  EXPECT_EQ(c.Get(1), 0u);
}

TEST(VectorClockTest, JoinIsPointwiseMaxAndReportsChange) {
  VectorClock a = Make({3, 0, 5});
  const VectorClock b = Make({1, 4, 5, 0, 2});
  EXPECT_TRUE(a.Join(b));
  EXPECT_EQ(a.Get(0), 3u);
  EXPECT_EQ(a.Get(1), 4u);
  EXPECT_EQ(a.Get(2), 5u);
  EXPECT_EQ(a.Get(3), 0u);
  EXPECT_EQ(a.Get(4), 2u);
  EXPECT_FALSE(a.Join(b)) << "joining the same clock again changes nothing";
  EXPECT_FALSE(a.Join(Make({1, 1}))) << "a smaller, shorter clock changes nothing";
  EXPECT_FALSE(a.Join(VectorClock{}));
}

TEST(VectorClockTest, LessOrEqualAcrossLengths) {
  const VectorClock a = Make({1, 2});
  const VectorClock b = Make({1, 2, 0, 0});  // trailing zeros are stored here
  const VectorClock c = Make({1, 2, 0, 1});
  EXPECT_TRUE(a.LessOrEqual(b));
  EXPECT_TRUE(b.LessOrEqual(a));
  EXPECT_TRUE(a.LessOrEqual(c));
  EXPECT_FALSE(c.LessOrEqual(a));
  EXPECT_TRUE(VectorClock{}.LessOrEqual(a));
  EXPECT_FALSE(a.LessOrEqual(VectorClock{}));
  // Concurrent clocks: neither is below the other.
  const VectorClock x = Make({2, 1});
  const VectorClock y = Make({1, 2});
  EXPECT_FALSE(x.LessOrEqual(y));
  EXPECT_FALSE(y.LessOrEqual(x));
}

TEST(VectorClockTest, EpochsAndCovers) {
  const VectorClock c = Make({4, 0, 2});
  EXPECT_TRUE(c.Covers(Epoch{}));  // no access yet: nothing to order
  EXPECT_TRUE(c.Covers(Epoch{0, 4}));
  EXPECT_FALSE(c.Covers(Epoch{0, 5}));
  EXPECT_FALSE(c.Covers(Epoch{1, 1}));
  EXPECT_TRUE(c.Covers(Epoch{2, 1}));
  const Epoch e = c.EpochOf(2);
  EXPECT_EQ(e.tid, 2u);
  EXPECT_EQ(e.clock, 2u);
  EXPECT_FALSE(e.none());
}

TEST(VectorClockTest, AssignAndClear) {
  VectorClock a = Make({9, 9, 9});
  a.Assign(Make({1}));
  EXPECT_EQ(a.Get(0), 1u);
  EXPECT_EQ(a.Get(1), 0u);
  a.Clear();
  EXPECT_EQ(a.size(), 0u);
  EXPECT_EQ(a.Get(0), 0u);
}

// Join and JoinCovered work four components at a time where the CPU allows (signed
// compares of offset values): clocks of every length from 0 to 11, in either order, with
// components on both sides of 2^31, against the element-wise answer.
TEST(VectorClockTest, JoinsMatchElementwiseAcrossLengthsAndLargeValues) {
  std::mt19937 rng(7);
  const std::uint32_t values[] = {0, 1, 2, 0x7fffffffu, 0x80000000u, 0x80000001u, 0xfffffffeu};
  int changed = 0;
  int uncovered = 0;
  for (int round = 0; round < 4000; ++round) {
    const std::size_t na = rng() % 12;
    const std::size_t nb = rng() % 12;
    std::vector<std::uint32_t> a(na), b(nb);
    for (auto& v : a) v = values[rng() % 7];
    for (auto& v : b) v = values[rng() % 7];
    VectorClock ca, cb;
    for (std::size_t t = 0; t < na; ++t) ca.Set(static_cast<Tid>(t), a[t]);
    for (std::size_t t = 0; t < nb; ++t) cb.Set(static_cast<Tid>(t), b[t]);
    const std::size_t n = std::max(na, nb);
    auto get = [](const std::vector<std::uint32_t>& v, std::size_t t) {
      return t < v.size() ? v[t] : 0u;
    };
    bool want_changed = false;
    bool want_covered = true;
    for (std::size_t t = 0; t < n; ++t) {
      want_changed |= get(b, t) > get(a, t);
      want_covered &= get(a, t) <= get(b, t);
    }
    VectorClock joined = ca;
    ASSERT_EQ(joined.Join(cb), want_changed) << "round " << round;
    VectorClock covered = ca;
    ASSERT_EQ(covered.JoinCovered(cb), want_covered) << "round " << round;
    for (std::size_t t = 0; t <= n; ++t) {
      const std::uint32_t want = std::max(get(a, t), get(b, t));
      ASSERT_EQ(joined.Get(static_cast<Tid>(t)), want) << "round " << round << " t " << t;
      ASSERT_EQ(covered.Get(static_cast<Tid>(t)), want) << "round " << round << " t " << t;
    }
    changed += want_changed;
    uncovered += !want_covered;
  }
  EXPECT_GT(changed, 1000);
  EXPECT_GT(uncovered, 1000);
  EXPECT_LT(changed, 4000);
  EXPECT_LT(uncovered, 4000);
}

// Random Set / Tick / Join / JoinCovered / Zero / Assign over a few clocks, checked after every operation
// against the map model, including every pairwise LessOrEqual.
TEST(VectorClockTest, MatchesNaiveModelUnderRandomOperations) {
  constexpr int kClocks = 5;
  constexpr Tid kThreads = 9;
  int joins_changed = 0;
  int joins_unchanged = 0;
  int le_true = 0;
  int le_false = 0;
  int covered_true = 0;
  int covered_false = 0;
  for (std::uint32_t seed = 1; seed <= 40; ++seed) {
    std::mt19937 rng(seed);
    std::vector<VectorClock> clocks(kClocks);
    std::vector<Model> models(kClocks);
    for (int step = 0; step < 500; ++step) {
      const int i = static_cast<int>(rng() % kClocks);
      const int j = static_cast<int>(rng() % kClocks);
      const Tid t = rng() % kThreads;
      switch (rng() % 6) {
        case 0: {
          const std::uint32_t v = rng() % 6;
          clocks[i].Set(t, v);
          models[i][t] = v;
          break;
        }
        case 1:
          clocks[i].Tick(t);
          models[i][t] = ModelGet(models[i], t) + 1;
          break;
        case 2: {
          bool model_changed = false;
          for (const auto& [u, v] : models[j]) {
            if (v > ModelGet(models[i], u)) {
              models[i][u] = v;
              model_changed = true;
            }
          }
          ASSERT_EQ(clocks[i].Join(clocks[j]), model_changed) << "seed " << seed;
          (model_changed ? joins_changed : joins_unchanged)++;
          break;
        }
        case 3: {
          const bool was_le = ModelLessOrEqual(models[i], models[j]);
          for (const auto& [u, v] : models[j]) {
            if (v > ModelGet(models[i], u)) models[i][u] = v;
          }
          ASSERT_EQ(clocks[i].JoinCovered(clocks[j]), was_le) << "seed " << seed;
          (was_le ? covered_true : covered_false)++;
          break;
        }
        case 4:
          clocks[i].Zero();
          models[i].clear();
          break;
        default:
          clocks[i].Assign(clocks[j]);
          models[i] = models[j];
          break;
      }
      for (int a = 0; a < kClocks; ++a) {
        for (Tid u = 0; u <= kThreads; ++u) {
          ASSERT_EQ(clocks[a].Get(u), ModelGet(models[a], u)) << "seed " << seed;
        }
        for (int b = 0; b < kClocks; ++b) {
          const bool le = ModelLessOrEqual(models[a], models[b]);
          ASSERT_EQ(clocks[a].LessOrEqual(clocks[b]), le) << "seed " << seed;
          (le ? le_true : le_false)++;
        }
      }
    }
  }
  // The random mix must exercise both answers of each operation.
  EXPECT_GT(joins_changed, 100);
  EXPECT_GT(joins_unchanged, 100);
  EXPECT_GT(le_true, 1000);
  EXPECT_GT(le_false, 1000);
  EXPECT_GT(covered_true, 100);
  EXPECT_GT(covered_false, 100);
}

}  // namespace
}  // namespace lab::internal
