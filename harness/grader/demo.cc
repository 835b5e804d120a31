// `lab demo`. See demo.h.
#include "demo.h"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "check_report.h"
#include "files.h"
#include "parallel.h"
#include "puzzles.h"
#include "results_json.h"

namespace lab::grader {

bool DemoRowOk(const DemoRow& row) {
  if (!row.problem.empty()) return false;
  if (row.reference) return row.found.empty() && row.score == row.max_score;
  if (row.expected.empty()) return !row.found.empty();
  return std::all_of(row.expected.begin(), row.expected.end(), [&](const std::string& id) {
    return std::find(row.found.begin(), row.found.end(), id) != row.found.end();
  });
}

bool RunDemo(const std::string& puzzles_dir, const DemoOptions& options,
             const std::function<void(const DemoRow&, std::size_t, std::size_t)>& on_row,
             DemoSummary* summary, std::string* setup_error) {
  const auto start = std::chrono::steady_clock::now();
  if (std::string problem = LabSetupProblem(); !problem.empty()) {
    *setup_error = problem;
    return false;
  }
  struct Job {
    PuzzleInfo puzzle;
    Variant variant;
  };
  std::vector<Job> jobs;
  const std::vector<PuzzleInfo> puzzles = ListPuzzles(puzzles_dir);
  if (puzzles.empty()) {
    *setup_error = "no puzzles in " + puzzles_dir;
    return false;
  }
  for (const PuzzleInfo& p : puzzles) {
    if (!p.has_spec) {
      summary->skipped.push_back(p.name + ": no spec.cpp yet");
      continue;
    }
    const std::vector<Variant> variants = PuzzleVariants(p);
    if (variants.empty()) summary->skipped.push_back(p.name + ": no reference.cpp or buggy/*.cpp");
    for (const Variant& v : variants) jobs.push_back({p, v});
  }
  summary->rows.assign(jobs.size(), DemoRow{});
  std::mutex mu;
  std::size_t done = 0;
  ParallelFor(jobs.size(), options.jobs, [&](std::size_t i) {
    const Job& job = jobs[i];
    DemoRow& row = summary->rows[i];
    row.puzzle = job.puzzle.name;
    row.variant = job.variant.name;
    row.reference = job.variant.reference;
    row.expected = job.variant.expected;
    SubmissionResult result;
    std::string error;
    if (GradeSubmission(job.puzzle, job.variant.path, options.grade, &result, &error)) {
      row.found = result.finding_ids();
      row.score = result.score();
      row.max_score = result.max_score();
      row.seconds = result.compile_seconds + result.run_seconds;
      row.replays = result.replays_checked;
      if (!result.replay_mismatches.empty()) {
        row.problem = result.replay_mismatches.front();
        for (std::size_t k = 1; k < result.replay_mismatches.size(); ++k) {
          row.problem += "; " + result.replay_mismatches[k];
        }
      }
      // What a student reads is in their own terms (issue #9): no report names the puzzle's
      // spec, whose lines the student never wrote.
      if (row.problem.empty() &&
          FormatCheckReport(result, CheckReportStyle{}).find("spec.cpp") != std::string::npos) {
        row.problem = "the report names spec.cpp, the puzzle's own file";
      }
      const std::string dir = options.out_dir + "/" + job.puzzle.name + "/" + job.variant.name;
      if (!MakeDirs(dir, &error) ||
          !WriteFileAtomically(dir + "/results.json", ResultsJson(result), &error)) {
        row.problem = error;
      }
    } else {
      row.problem = error;
    }
    row.ok = DemoRowOk(row);
    std::lock_guard<std::mutex> lock(mu);
    ++done;
    if (on_row) on_row(row, done, jobs.size());
  });
  summary->mismatches = static_cast<std::size_t>(
      std::count_if(summary->rows.begin(), summary->rows.end(), [](const DemoRow& r) { return !r.ok; }));
  for (const DemoRow& r : summary->rows) summary->replays += r.replays;
  summary->wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return true;
}

}  // namespace lab::grader
