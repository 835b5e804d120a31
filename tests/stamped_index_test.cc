// Tests of the stamped table DPOR names objects with and the event recorder indexes a
// step's words with (detector/src/strategies/stamped_index.h): against std::unordered_map
// under random keys, through its growth and its constant-time Clear.
#include "stamped_index.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <unordered_map>

namespace lab::internal {
namespace {

TEST(StampedIndex, KeepsTheFirstValueOfEachKeyAsAMapWould) {
  StampedIndex index;
  std::unordered_map<std::uintptr_t, std::uint32_t> naive;
  std::mt19937_64 rng(7);
  for (int round = 0; round < 50; ++round) {
    // Word-aligned keys as the lab gives them, some repeated, up to a few hundred a round
    // (the table grows from 16 slots several times in the first rounds).
    const int n = 1 + static_cast<int>(rng() % 400);
    for (int i = 0; i < n; ++i) {
      const std::uintptr_t key = (rng() % 512) * 8 + 0x7f0000001000;
      const auto value = static_cast<std::uint32_t>(naive.size() + 1);
      bool added = false;
      const std::uint32_t got = index.Get(key, value, &added);
      const auto [it, fresh] = naive.try_emplace(key, value);
      ASSERT_EQ(added, fresh) << "round " << round << " key " << key;
      ASSERT_EQ(got, it->second) << "round " << round << " key " << key;
      ASSERT_EQ(index.size(), naive.size());
    }
    index.Clear();
    naive.clear();
    EXPECT_EQ(index.size(), 0u);
  }
}

TEST(StampedIndex, AClearedKeyIsNewAgain) {
  StampedIndex index;
  bool added = false;
  EXPECT_EQ(index.Get(0x1000, 1, &added), 1u);
  EXPECT_TRUE(added);
  EXPECT_EQ(index.Get(0x1000, 2, &added), 1u);
  EXPECT_FALSE(added);
  index.Clear();
  EXPECT_EQ(index.Get(0x1000, 3, &added), 3u);
  EXPECT_TRUE(added);
}

}  // namespace
}  // namespace lab::internal
