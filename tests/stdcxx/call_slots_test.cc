// call_slots_test.cc — the interposers' per-thread call slots (stdcxx/sites.h): the answers
// of a call site judged once (StudentCall's, LocFor's) are found again by its return
// address, also when two hot call sites fall in the same set. With one slot per set two
// such sites evicted each other at every call (std_bench's condition_variable::wait and an
// unlock), each call then resolving its site again.
#include "sites.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace lab::internal::stdcxx {
namespace {

// A return address other than `pc` whose calls share `pc`'s set.
std::uintptr_t SameSetAs(std::uintptr_t pc, std::uintptr_t after) {
  for (std::uintptr_t other = after + 1;; ++other) {
    if (other != pc && CallSetOf(other) == CallSetOf(pc)) return other;
  }
}

TEST(CallSlots, TwoSitesOfOneSetAreBothKept) {
  const std::uintptr_t a = 0x55'5555'6e2d3, b = SameSetAs(a, a);
  RememberCallSlot(CallSlot{a, true, false, {}});
  RememberCallSlot(CallSlot{b, false, false, {}});
  const CallSlot* found_a = FindCallSlot(a);
  const CallSlot* found_b = FindCallSlot(b);
  ASSERT_NE(found_a, nullptr) << "the second site of the set evicted the first";
  ASSERT_NE(found_b, nullptr);
  EXPECT_TRUE(found_a->student);
  EXPECT_FALSE(found_b->student);
  // Asking again changes nothing: both stay.
  RememberCallSlot(CallSlot{a, true, false, {}});
  EXPECT_NE(FindCallSlot(a), nullptr);
  EXPECT_NE(FindCallSlot(b), nullptr);
}

TEST(CallSlots, AThirdSiteEvictsTheLeastRecentOne) {
  const std::uintptr_t a = 0x7fff'f7cd'4517, b = SameSetAs(a, a), c = SameSetAs(a, b);
  RememberCallSlot(CallSlot{a, true, false, {}});
  RememberCallSlot(CallSlot{b, true, false, {}});
  RememberCallSlot(CallSlot{c, false, false, {}});
  EXPECT_EQ(FindCallSlot(a), nullptr);
  ASSERT_NE(FindCallSlot(b), nullptr);
  ASSERT_NE(FindCallSlot(c), nullptr);
  EXPECT_FALSE(FindCallSlot(c)->student);
  // An address never remembered is not found (a miss goes to StudentCallSlow).
  EXPECT_EQ(FindCallSlot(SameSetAs(a, c)), nullptr);
}

}  // namespace
}  // namespace lab::internal::stdcxx
