// The scenarios of a spec read from its source text, without compiling or running anything.
//
//   LAB_SCENARIO(n15, .points = 4, .description = "1..15 " "from four threads") { ... }
//     -> {name "n15", points 4, description "1..15 from four threads"}
//
// Why: the scenario list a compiled submission prints (`sub --list`) passes through a
// process that runs the student's code, which could print a list of its own. The grader
// checks that list against this scan of the trusted spec, and falls back on the scan when a
// submission does not compile or dies before listing anything, so the gradebook still has
// every test with its points.
//
// The scan understands comments, string literals (with adjacent literals joined and simple
// escapes decoded) and `.points = <number>`. A spec that computes names or points with
// other macros or expressions is reported as not `complete`; callers then trust the list.
#pragma once

#include <string_view>
#include <vector>

#include "submission_result.h"

namespace lab::grader {

struct SpecScan {
  std::vector<ScenarioInfo> scenarios;  // in declaration order
  bool complete = false;  // every LAB_SCENARIO found was read fully (and there was one)
  // Per scenario (same order): the controlled schedules its budgets allow (pct, random,
  // dfs and dpor schedules, the defaults where the spec sets none). The grader starts the
  // runs with the largest budgets first, so the longest one is not the last to start.
  std::vector<double> schedules;
};

SpecScan ScanSpecScenarios(std::string_view spec_source);

}  // namespace lab::grader
