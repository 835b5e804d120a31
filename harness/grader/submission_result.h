// The outcome of grading one submission, as plain data: what the grader decided. The
// writers (check_report.h, results_json.h, junit.h, gradebook.h, html_report.h) format it
// and decide nothing; result_store.h saves and loads it for resumed batch runs.
//
// A scenario passes iff it has no (graded) findings. A submission that did not compile, or
// could not be graded as handed in, still has one ScenarioResult per scenario of the spec,
// each failing with a `compile-error` finding, so every writer shows the full set of tests
// with score 0.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lab/finding.h"

namespace lab::grader {

// The lab's version; part of the resume hash, so a new lab regrades everything.
inline constexpr std::string_view kLabVersion = "0.1.0";

struct ScenarioInfo {
  std::string name;  // the spec's identifier, e.g. "n15"
  double points = 0;
  std::string description;
  bool operator==(const ScenarioInfo&) const = default;
};

struct ScenarioResult {
  ScenarioInfo info;
  // Graded findings: reproducible ones from controlled runs, or what the grader concluded
  // about the run itself (crash, hang, resource-limit, a missing completion record).
  std::vector<Finding> findings;
  // What a real parallel (stress) run reported. Not reproducible, so never graded; shown.
  std::vector<Finding> stress_findings;
  std::string summary;  // the runner's one line ("150 schedules (random, seed 1), no bug found")
  std::string output;   // cleaned tail of the run's stderr when it ended abnormally, else ""
  double seconds = 0;   // wall clock of the run (never part of a per-finding report block)
  // Non-empty when the run hung where every scenario of the program runs the same code
  // (before main(), or at exit after its record): where, in words ("it blocks while it
  // starts, ..."). The grader gives the scenarios it has not started yet a `hang` saying so
  // without running them (grader.cc). Not itself part of any report.
  std::string repeating_hang;

  bool passed() const { return findings.empty(); }
  double score() const { return passed() ? info.points : 0; }
};

enum class SubmissionStatus {
  kGraded,        // compiled and run (whatever the findings)
  kCompileError,  // did not compile: `message` holds the trimmed diagnostics
  kRejected,      // could not be graded as handed in (e.g. two .cpp files): `message` says why
};
std::string_view StatusName(SubmissionStatus s);  // "graded", "compile-error", "rejected"

struct SubmissionResult {
  std::string puzzle;
  std::string student;      // batch grading: the sanitised name; "" for `lab check`
  std::string submission;   // the path as given (or as found in the class folder)
  std::string source_name;  // the file name the submission was compiled as, e.g. "fizzbuzz.cpp"
  SubmissionStatus status = SubmissionStatus::kGraded;
  std::string message;      // compile diagnostics or why it was rejected; "" when graded
  std::string compile_log;  // the compiler's full output (cleaned), for instructors
  bool tsan = false;        // built with ThreadSanitizer
  std::vector<ScenarioResult> scenarios;  // in spec order
  // True when a run could not even be started for reasons that are not the submission's
  // (e.g. the machine ran out of processes). Such a result is reported but not cached, so a
  // resumed batch run grades it again.
  bool incomplete = false;
  double compile_seconds = 0;
  double run_seconds = 0;  // wall clock of all scenario runs together
  // GradeOptions::verify_replays: one line per failing scenario whose replay command did
  // not print the same failure block ("n12: line 31 differs: ..."). Not stored.
  std::vector<std::string> replay_mismatches;
  int replays_checked = 0;  // failing scenarios replayed by verify_replays

  double score() const;
  double max_score() const;
  bool all_passed() const;  // graded and every scenario passed
  // The first graded finding in scenario order, or nullptr.
  const Finding* first_finding() const;
  // Distinct finding ids over all scenarios, in order of first appearance.
  std::vector<std::string> finding_ids() const;
};

// Points as people write them: "4", "2.5", "0.25".
std::string FormatPoints(double points);

}  // namespace lab::grader
