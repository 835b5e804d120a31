// Tests of reading scenarios from a spec's source (harness/grader/spec_scan.h).
#include "spec_scan.h"

#include <gtest/gtest.h>

#include <string>

#include "files.h"
#include "puzzles.h"

namespace lab::grader {
namespace {

TEST(SpecScan, ReadsNamesPointsAndJoinedDescriptions) {
  const SpecScan s = ScanSpecScenarios(R"cpp(
LAB_PUZZLE("fizzbuzz");
// LAB_SCENARIO(commented_out, .points = 99) {}
/* LAB_SCENARIO(also_out, .points = 99) {} */
const char* kText = "LAB_SCENARIO(in_a_string, .points = 99)";
LAB_SCENARIO(n15, .points = 4,
             .description = "1..15; threads started fizz, buzz, "
                            "fizzbuzz, number") {
  Run(15, {"fizz", "buzz"});
}
LAB_SCENARIO(n5, .points = 2.5, .description = "a \"quoted\" (paren) {brace}",
             .dfs_schedules = 2000) {}
LAB_SCENARIO(defaults) {}
)cpp");
  EXPECT_TRUE(s.complete);
  ASSERT_EQ(s.scenarios.size(), 3u);
  EXPECT_EQ(s.scenarios[0], (ScenarioInfo{"n15", 4, "1..15; threads started fizz, buzz, fizzbuzz, number"}));
  EXPECT_EQ(s.scenarios[1], (ScenarioInfo{"n5", 2.5, "a \"quoted\" (paren) {brace}"}));
  EXPECT_EQ(s.scenarios[2], (ScenarioInfo{"defaults", 1, ""}));
}

// The budgets order the runs (largest first): the defaults (150 PCT + 150 random) plus
// the sweeps a scenario asks for; a budget that is not a plain number keeps its default.
TEST(SpecScan, ReadsEachScenariosScheduleBudget) {
  const SpecScan s = ScanSpecScenarios(R"cpp(
LAB_SCENARIO(plain) {}
LAB_SCENARIO(swept, .dfs_schedules = 2'000, .dpor_schedules = 20000) {}
LAB_SCENARIO(fewer, .pct_schedules = 10, .random_schedules = 20) {}
LAB_SCENARIO(computed, .dfs_schedules = kMany * 2) {}
)cpp");
  ASSERT_EQ(s.schedules.size(), 4u);
  EXPECT_EQ(s.schedules[0], 300);
  EXPECT_EQ(s.schedules[1], 22300);
  EXPECT_EQ(s.schedules[2], 30);
  EXPECT_EQ(s.schedules[3], 300);
}

TEST(SpecScan, ComputedPointsMakeTheScanIncomplete) {
  const SpecScan s = ScanSpecScenarios("LAB_SCENARIO(a, .points = kPoints * 2) {}\n");
  EXPECT_FALSE(s.complete);
  ASSERT_EQ(s.scenarios.size(), 1u);
  EXPECT_EQ(s.scenarios[0].name, "a");
}

TEST(SpecScan, TheMacroDefinitionIsNotAScenario) {
  const SpecScan s = ScanSpecScenarios(
      "#define LAB_SCENARIO(ident, ...) static void lab_scenario_##ident()\n");
  EXPECT_TRUE(s.scenarios.empty());
  EXPECT_FALSE(s.complete);
}

TEST(SpecScan, EveryPuzzleSpecOfTheLabScansCompletely) {
  // The real specs must be readable this way: the grader trusts this scan over a list printed
  // by a process that runs the student's code.
  int specs = 0;
  for (const PuzzleInfo& p : ListPuzzles(std::string(LAB_SOURCE_DIR) + "/puzzles")) {
    std::string text;
    if (!p.has_spec || !ReadFile(p.spec_path(), &text)) continue;
    SCOPED_TRACE(p.name);
    ++specs;
    const SpecScan s = ScanSpecScenarios(text);
    EXPECT_TRUE(s.complete);
    EXPECT_FALSE(s.scenarios.empty());
  }
  EXPECT_GT(specs, 0);
}

}  // namespace
}  // namespace lab::grader
