// `lab demo`: grade every puzzle's reference solution and known-buggy variants and check that
// the lab finds what each variant declares (DESIGN.md §5: `// lab-expect: <finding-id> ...`).
//
//   DemoOptions opt;  opt.jobs = 4;  opt.out_dir = "demo-out";
//   DemoSummary sum;
//   RunDemo(DefaultPuzzlesDir(), opt, on_row, &sum, &error);
//   ... sum.rows[i].ok, sum.mismatches ...
//
// A row is OK when a reference gets full marks with no finding, or a buggy variant's findings
// include every expected id (a variant without a lab-expect line must produce some finding).
// Each variant's results.json goes to <out_dir>/<puzzle>/<variant>/results.json (a std::
// variant's to <out_dir>/<puzzle>/std/<...>/results.json).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "grader.h"

namespace lab::grader {

struct DemoRow {
  std::string puzzle;
  std::string variant;  // "reference", "buggy/abba", "std/reference", "std/buggy/abba"
  bool reference = false;
  std::vector<std::string> expected;
  std::vector<std::string> found;  // distinct graded finding ids, in scenario order
  double score = 0;
  double max_score = 0;
  double seconds = 0;  // compile + run
  int replays = 0;  // failing scenarios replayed and compared (DemoOptions)
  bool ok = false;
  std::string problem;  // a setup error that kept the variant from being graded
};

struct DemoOptions {
  GradeOptions grade;  // per variant; grade.jobs is the scenario parallelism (default 1)
  int jobs = 1;        // variants graded at once
  std::string out_dir = "demo-out";
  // Every failing scenario's replay token is run again and must print the same failure
  // block byte for byte (GradeOptions::verify_replays); a variant whose replay differs is a
  // MISMATCH with the first differing line as its problem.
  DemoOptions() {
    grade.jobs = 1;
    grade.verify_replays = true;
  }
};

struct DemoSummary {
  std::vector<DemoRow> rows;  // puzzle by puzzle, reference first
  std::vector<std::string> skipped;  // "dining_philosophers: no spec.cpp"
  std::size_t mismatches = 0;
  int replays = 0;  // over all rows
  double wall_seconds = 0;
};

// False with `setup_error` when the lab is not built or the puzzles folder has no puzzle.
// `on_row` (may be empty) is called as each variant finishes, never concurrently.
bool RunDemo(const std::string& puzzles_dir, const DemoOptions& options,
             const std::function<void(const DemoRow&, std::size_t done, std::size_t total)>& on_row,
             DemoSummary* summary, std::string* setup_error);

// The verdict of one row (see above), from its expected and found ids and score.
bool DemoRowOk(const DemoRow& row);

}  // namespace lab::grader
