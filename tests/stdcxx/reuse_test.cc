// reuse_test.cc — a sync object's storage used again by a new object (reuse_scenarios.cc),
// in the free run (library mode) and under lab::explore: no finding on the correct cases
// (each was a false lock-order inversion or self-deadlock before the lab recognised the new
// object), and the real bugs in reused storage still reported, named by the new objects.
#include <gtest/gtest.h>

#include "marked_line.h"
#include "output_lines.h"

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace {

struct Outcome {
  std::string out;  // stdout and stderr
  int status = -1;
  bool done = false;
  bool same_slot = false;
  std::vector<std::string> findings;  // "<id> — <text>" (lib) or "<id>|<message>" (explore)
};

Outcome RunCase(const std::string& mode, const std::string& name) {
  Outcome o;
  const std::string cmd = std::string(LAB_REUSE_SCENARIOS) + " " + mode + " " + name + " 2>&1";
  o.status = lab::testing::ForEachOutputLine(cmd, o.out, [&](const std::string& line) {
    if (line == "done") o.done = true;
    if (line == "same-slot 1") o.same_slot = true;
    if (line.rfind("lab: ", 0) == 0) o.findings.push_back(line.substr(5));
    if (line.rfind("finding ", 0) == 0) o.findings.push_back(line.substr(8));
  });
  return o;
}

// "reuse_scenarios.cc:N" for the line marked `// line: tag`.
std::string Line(const std::string& tag) { return lab::testing::MarkedLine(LAB_REUSE_SOURCE, tag); }

class CorrectReuse : public ::testing::TestWithParam<std::pair<const char*, const char*>> {};

TEST_P(CorrectReuse, NoFinding) {
  const auto [mode, name] = GetParam();
  const Outcome o = RunCase(mode, name);
  ASSERT_TRUE(WIFEXITED(o.status)) << o.out;
  ASSERT_TRUE(o.findings.empty()) << o.out;  // false whatever the addresses
  EXPECT_EQ(WEXITSTATUS(o.status), 0) << o.out;
  EXPECT_TRUE(o.done) << o.out;
  if (!o.same_slot) GTEST_SKIP() << "the compiler put the two objects at different addresses";
}

INSTANTIATE_TEST_SUITE_P(
    FreeRun, CorrectReuse,
    ::testing::Values(std::pair{"lib", "stack"}, std::pair{"lib", "stack_recursive"},
                      std::pair{"lib", "stack_shared"}, std::pair{"lib", "stack_pthread"},
                      std::pair{"lib", "init_recursive"}, std::pair{"lib", "loop"},
                      std::pair{"lib", "malloc"}, std::pair{"lib", "optional"},
                      std::pair{"lib", "helper"}, std::pair{"lib", "semaphore"}));
INSTANTIATE_TEST_SUITE_P(
    Explore, CorrectReuse,
    ::testing::Values(std::pair{"explore", "stack"}, std::pair{"explore", "stack_shared"},
                      std::pair{"explore", "init_recursive"}, std::pair{"explore", "helper"},
                      std::pair{"explore", "optional"}, std::pair{"explore", "semaphore"},
                      std::pair{"explore", "condvar_then_mutex"},
                      std::pair{"explore", "kind_by_schedule"}));

// Call 1's mutexes, at call 0's addresses, really are taken in both orders: the inversion
// is reported and its objects are named by call 1's first uses, not call 0's.
TEST(Reuse, InversionOnReusedSlotsIsReportedWithTheNewNames) {
  for (const char* mode : {"lib", "explore"}) {
    const Outcome o = RunCase(mode, "inversion_bug");
    ASSERT_TRUE(WIFEXITED(o.status)) << o.out;
    if (!o.same_slot) GTEST_SKIP() << "the compiler put the two objects at different addresses";
    ASSERT_EQ(o.findings.size(), 1u) << mode << "\n" << o.out;
    const std::string& f = o.findings[0];
    EXPECT_EQ(f.rfind("lock-order-inversion", 0), 0u) << f;
    EXPECT_NE(f.find(Line("reuse-bug-first")), std::string::npos) << f;
    EXPECT_NE(f.find(Line("reuse-bug-second")), std::string::npos) << f;
    // Not call 0's lines (the old objects' first uses).
    EXPECT_EQ(f.find(Line("reuse-first")), std::string::npos) << f;
    EXPECT_EQ(f.find(Line("reuse-second")), std::string::npos) << f;
  }
}

// A one-permit gate, then at its slot a semaphore of three permits around opposite lock
// orders: three permits gate nothing (the permits of the new semaphore, not the old one's).
TEST(Reuse, SemaphoreReusedWithMorePermitsGatesNothing) {
  for (const char* mode : {"lib", "explore"}) {
    const Outcome o = RunCase(mode, "semaphore_bug");
    ASSERT_TRUE(WIFEXITED(o.status)) << o.out;
    if (!o.same_slot) GTEST_SKIP() << "the compiler put the two objects at different addresses";
    ASSERT_FALSE(o.findings.empty()) << mode << "\n" << o.out;
    // (A controlled schedule may also run into the deadlock itself.)
    EXPECT_EQ(o.findings[0].rfind("lock-order-inversion", 0), 0u) << o.findings[0];
  }
}

// A condition variable waited for at the slot of one destroyed earlier in the same schedule:
// the wait that never ends is reported on the new one, named by its own first use (the
// destroyed one's object is kept for the next schedule's condition variable, not this one).
TEST(Reuse, CondVarAtTheSlotOfADestroyedOneIsANewObject) {
  const Outcome o = RunCase("explore", "condvar_wait_bug");
  ASSERT_TRUE(WIFEXITED(o.status)) << o.out;
  if (!o.same_slot) GTEST_SKIP() << "the compiler put the two objects at different addresses";
  ASSERT_FALSE(o.findings.empty()) << o.out;
  const std::string& f = o.findings[0];
  EXPECT_NE(f.find(Line("cv-stuck")), std::string::npos) << f;
  EXPECT_EQ(f.find(Line("cv-first")), std::string::npos) << f;
}

}  // namespace
