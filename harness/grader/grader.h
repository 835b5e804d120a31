// Grading one submission: the pipeline `lab check`, `lab grade` and `lab demo` share.
//
//   GradeOptions opt;                      // fixed seeds: the same file gets the same grade
//   SubmissionResult r;
//   std::string setup_error;
//   if (!GradeSubmission(*FindPuzzle(dir, "fizzbuzz"), "fizzbuzz.cpp", opt, &r, &setup_error))
//     ... exit 2: not the submission's fault ...
//   ... r.status, r.scenarios[i].findings, r.score() ...
//
// Steps: compile the submission with the puzzle's spec into a private temporary directory
// (compiler.h: sandboxed, trimmed diagnostics); read the scenario list from the spec (and,
// when the spec cannot be read that way, from the compiled program's `--list`); run each
// scenario in its own sandbox with its own fresh working directory, `jobs` at a time
// (scenario_run.h decides what each run earned); remove the temporary directory.
//
// Whatever the submission does (not compile, crash, hang, fork, flood, forge) is a result,
// never a failure of this function. Thread-safe: several submissions may be graded at once.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "compiler.h"
#include "puzzles.h"
#include "submission_result.h"

namespace lab::grader {

struct GradeOptions {
  bool tsan = false;          // build with ThreadSanitizer and fold its race reports in
  int jobs = 2;               // scenario runs of this submission in parallel
  double schedules_scale = 1;  // the runner's schedule budgets times this (1: the spec's)
  std::uint64_t seed = 0;      // 0: the runner's fixed seeds
  // Replay: when `replay_scenario` is set, only that scenario runs, with exactly the schedule
  // of `replay_token`.
  std::string replay_scenario;
  std::string replay_token;
  // `lab demo`'s self-check (DESIGN §6: a replay reproduces the report byte for byte):
  // every failing scenario is run again with its replay token, from the same binary, and
  // its failure block compared with the original's; differences go to
  // SubmissionResult::replay_mismatches.
  bool verify_replays = false;
  double scenario_wall_seconds = 60;  // per scenario run (hang beyond it)
  double compile_seconds = 60;        // compile time limit
  std::string temp_root;              // "" -> $TMPDIR or /tmp
  std::string student;                // recorded in the result (batch grading)
  // Where the lab is: the compiler, include directories and libraries a submission is built
  // against, and the compile limits (CompileRequest; empty paths mean the build's). Tests
  // point it at another lab. Its submission, spec, workdir, tsan, time limit and output
  // binary are set by the grader.
  CompileRequest lab;
  // Called from the grading thread(s) with a short status ("compiling", "running n15", ...).
  std::function<void(const std::string&)> progress;
};

// Why no submission can be graded on this machine right now ("lab is not built: run make
// (missing .../liblab_spec.a)"), or "" when the lab is ready.
std::string LabSetupProblem();

// Grades `submission_path` against `puzzle`. Returns false with `setup_error` only for
// problems that are not the submission's: the lab is not built, the puzzle has no spec, the
// submission file does not exist, the replayed scenario does not exist, no temporary
// directory. Never throws.
bool GradeSubmission(const PuzzleInfo& puzzle, const std::string& submission_path,
                     const GradeOptions& options, SubmissionResult* result,
                     std::string* setup_error);

// The result for a submission that cannot be graded as handed in (e.g. a folder with two
// .cpp files): every scenario of the spec fails with a compile-error finding saying `why`.
SubmissionResult RejectedSubmission(const PuzzleInfo& puzzle, const std::string& submission,
                                    const std::string& why);

}  // namespace lab::grader
