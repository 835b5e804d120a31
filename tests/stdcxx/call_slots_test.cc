// call_slots_test.cc — the interposers' per-thread call slots (stdcxx/sites.h): the answers
// of a call site judged once (StudentCall's, LocFor's) are found again by its return
// address, also when two hot call sites fall in the same set. With one slot per set two
// such sites evicted each other at every call (std_bench's condition_variable::wait and an
// unlock), each call then resolving its site again.
#include "sites.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

#include "raw_calls.h"
#include "real_calls.h"

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

// EnterStudentCall (real_calls.h), the hot interposers' entry, answers as IsRawCall, InLab
// and LocFor did one after the other: the lab's own call (its call site, a RawCalls scope,
// an interposer already inside the lab) is raw; a student's call site enters with the
// calling thread's shadow stack and the site's Loc.
TEST(CallSlots, EnterStudentCallAnswersAsIsRawCallAndLocFor) {
  const std::uintptr_t student = 0x55'5555'7a011, lab = SameSetAs(student, student);
  const Loc where = Loc::current();
  RememberCallSlot(CallSlot{student, true, true, where});
  RememberCallSlot(CallSlot{lab, false, false, {}});

  StudentCallEntry e;
  ASSERT_TRUE(EnterStudentCall(nullptr, student, &e));
  EXPECT_FALSE(IsRawCall(nullptr, reinterpret_cast<const void*>(student)));
  EXPECT_EQ(e.stack, StackOf(tls_self));
  EXPECT_EQ(e.pc, student);
  EXPECT_STREQ(e.Site().file_name(), where.file_name());
  EXPECT_EQ(e.Site().line(), where.line());
  EXPECT_EQ(LocFor(student).line(), where.line());

  StudentCallEntry raw;
  EXPECT_FALSE(EnterStudentCall(nullptr, lab, &raw));
  EXPECT_TRUE(IsRawCall(nullptr, reinterpret_cast<const void*>(lab)));
  {
    RawCalls lab_calls;  // the runtime's own pthread calls
    EXPECT_FALSE(EnterStudentCall(nullptr, student, &raw));
    EXPECT_TRUE(IsRawCall(nullptr, reinterpret_cast<const void*>(student)));
  }
  {
    InLab in_lab(e.stack);  // an interposer at work: its own calls go to libc
    EXPECT_EQ(StackOf(tls_self)->in_lab, 1);
    EXPECT_FALSE(EnterStudentCall(nullptr, student, &raw));
    EXPECT_TRUE(IsRawCall(nullptr, reinterpret_cast<const void*>(student)));
  }
  EXPECT_EQ(StackOf(tls_self)->in_lab, 0);
  EXPECT_TRUE(EnterStudentCall(nullptr, student, &e));
}

// tls_outside_lab (shadow_stack.h) lets a plain access skip the stack slot while it names
// the calling lab thread: every InLab must clear it, or the lab's own accesses inside an
// interposer would be checked as the student's.
TEST(CallSlots, InLabForgetsTheThreadKnownOutsideTheLab) {
  static ThreadState other;
  const ThreadState* t = &other;  // any address
  tls_outside_lab = t;
  {
    InLab in_lab;
    EXPECT_EQ(tls_outside_lab, nullptr);
  }
  EXPECT_EQ(tls_outside_lab, nullptr);  // ~InLab names the calling lab thread: none here
  tls_outside_lab = t;
  {
    InLab in_lab(StackOf(tls_self));
    EXPECT_EQ(tls_outside_lab, nullptr);
  }
}

// ~InLab back at depth 0 names the calling lab thread in tls_outside_lab again (the plain
// access after an interposer then skips the stack slot), and only at depth 0: inside a
// nested InLab the thread is still inside the lab.
TEST(CallSlots, TheOutermostInLabEndsKnownOutsideTheLab) {
  static ThreadState self;  // its stack stays in sites.cc's map for the process
  ThreadState* const before = tls_self;
  tls_self = &self;
  tls_outside_lab = nullptr;
  {
    InLab outer;
    {
      InLab inner(StackOf(tls_self));
      EXPECT_EQ(StackOf(tls_self)->in_lab, 2);
    }
    EXPECT_EQ(tls_outside_lab, nullptr) << "still inside the outer InLab";
    EXPECT_EQ(StackOf(tls_self)->in_lab, 1);
  }
  EXPECT_EQ(StackOf(tls_self)->in_lab, 0);
  EXPECT_EQ(tls_outside_lab, &self);
  {
    InLab again;
    EXPECT_EQ(tls_outside_lab, nullptr);
  }
  EXPECT_EQ(tls_outside_lab, &self);
  tls_outside_lab = nullptr;
  tls_self = before;
}

// Every lab thread keeps its shadow stack where the interposers and the plain accesses find
// it without a lookup (KnownStackOf), whatever the ThreadStates' addresses. The per-OS-
// thread front keyed by address (bits 6-11) that held them before put two of std_bench's
// ThreadStates (0x...851470 and 0x...857450) in one entry: they evicted each other at
// every notify and wait (~4.4 map lookups under a spin lock per schedule).
TEST(CallSlots, EveryThreadKeepsItsStackWithoutALookup) {
  static ThreadState states[65];  // among 65 addresses two share any 64-entry front
  ThreadState* const before = tls_self;
  for (ThreadState& t : states) {
    tls_self = &t;
    PushFrame(0x1234);  // the first use looks the stack up (StackOfSlow)
  }
  for (ThreadState& t : states) {
    const ShadowStack* known = KnownStackOf(&t);
    ASSERT_NE(known, nullptr) << "thread " << (&t - states) << " lost its stack to another";
    tls_self = &t;
    EXPECT_EQ(known, StackOf(&t));
    EXPECT_EQ(known->depth, 1u);
    PopFrame();
  }
  tls_self = before;
}

}  // namespace
}  // namespace lab::internal::stdcxx
