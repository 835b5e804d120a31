// `lab grade <puzzle> <dir> -o <out>`: the instructor's batch grader (DESIGN.md §6, §8).
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "class_grader.h"
#include "command.h"
#include "parallel.h"
#include "puzzles.h"
#include "sandbox.h"
#include "terminal.h"

ABSL_FLAG(std::string, grade_out, "", "output folder (required)");
ABSL_FLAG(int, grade_jobs, 0, "students graded in parallel (0: the number of cores)");
ABSL_FLAG(bool, grade_force, false, "grade again students whose submission did not change");
ABSL_FLAG(bool, grade_tsan, false, "also build with ThreadSanitizer and fold its data races in");
ABSL_FLAG(double, grade_timeout, 60, "wall-clock limit of one scenario run, in seconds");

namespace lab::cli {
namespace {

Command Self();

int Run(const std::vector<std::string>& args) {
  const Command cmd = Self();
  const std::string dir = grader::DefaultPuzzlesDir();
  const auto puzzle = grader::FindPuzzle(dir, args[0]);
  if (!puzzle) return UsageError(cmd, "unknown puzzle '" + args[0] + "' (lab list shows them)");
  const std::string out = absl::GetFlag(FLAGS_grade_out);
  if (out.empty()) return UsageError(cmd, "-o <out> is required: where to write the results");

  grader::ClassGradeOptions opt;
  opt.jobs = absl::GetFlag(FLAGS_grade_jobs);
  if (opt.jobs < 0) return UsageError(cmd, "-j must be at least 1 (or 0 for the number of cores)");
  if (opt.jobs == 0) opt.jobs = grader::AvailableCores();
  opt.force = absl::GetFlag(FLAGS_grade_force);
  opt.grade.tsan = absl::GetFlag(FLAGS_grade_tsan);
  opt.grade.scenario_wall_seconds = absl::GetFlag(FLAGS_grade_timeout);
  if (!(opt.grade.scenario_wall_seconds > 0)) return UsageError(cmd, "--timeout must be positive");

  // Which cgroup version is in force, then what isolation this machine cannot give, once and
  // loudly, before anything runs.
  std::fprintf(stderr, "lab grade: %s\n", grader::ProbeSandbox().summary.c_str());
  for (const std::string& w : grader::ProbeSandbox().warnings) {
    std::fprintf(stderr, "lab grade: WARNING: %s\n", w.c_str());
  }

  const auto start = std::chrono::steady_clock::now();
  ProgressLine progress;
  const auto on_student = [&progress](const grader::ClassProgress& p) {
    const grader::SubmissionResult& r = *p.result;
    const std::string score = grader::FormatPoints(r.score()) + "/" + grader::FormatPoints(r.max_score());
    std::string what = p.skipped ? "unchanged, skipped" : score;
    if (!p.skipped && r.status != grader::SubmissionStatus::kGraded) {
      what += std::string(" (") + std::string(grader::StatusName(r.status)) + ")";
    } else if (!p.skipped && r.first_finding() != nullptr) {
      what += " (" + std::string(r.first_finding()->id()) + ")";
    }
    const std::string line = "grading " + std::to_string(p.done) + "/" + std::to_string(p.total) +
                             "  " + p.student + "  " + what;
    if (progress.active()) {
      progress.Update(line);
    } else {
      std::fprintf(stderr, "%s\n", line.c_str());
    }
  };
  grader::ClassGradeSummary summary;
  std::string error;
  const bool ok = grader::GradeClass(*puzzle, args[1], out, opt, on_student, &summary, &error);
  progress.Clear();
  if (!ok) return UsageError(cmd, error);
  for (const std::string& w : summary.warnings) std::fprintf(stderr, "lab grade: %s\n", w.c_str());

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::size_t full = 0;
  for (const grader::SubmissionResult& r : summary.results) full += r.all_passed() ? 1 : 0;
  std::printf("graded %zu submission%s of %s (skipped %zu unchanged) in %.1f s; %zu with full marks\n",
              summary.graded, summary.graded == 1 ? "" : "s", puzzle->name.c_str(), summary.skipped,
              seconds, full);
  std::printf("results: %s/<student>/results.json, %s/gradebook.csv, %s/junit.xml\n", out.c_str(),
              out.c_str(), out.c_str());
  if (summary.results.empty()) std::printf("no submissions found in %s\n", args[1].c_str());
  for (const std::string& e : summary.errors) UsageError(cmd, e);
  return summary.errors.empty() ? kExitOk : kExitUsage;
}

Command Self() {
  return {"grade",
          "<puzzle> <dir>",
          "grade a folder of submissions: results.json per student, gradebook.csv, junit.xml",
          "A submission is a .cpp file directly in <dir>, or a folder in <dir> holding exactly\n"
          "one .cpp file. Each is compiled and run in a sandbox; a compile error, crash, hang\n"
          "or resource limit costs that submission its marks and the grader carries on.\n"
          "Writes <out>/<student>/results.json (Gradescope), <out>/gradebook.csv and\n"
          "<out>/junit.xml. Unchanged submissions are skipped on a re-run (--force regrades).\n"
          "Grades are deterministic: fixed seeds, no timing in the verdict.",
          {{"out", 'o', "grade_out", "DIR"},
           {"jobs", 'j', "grade_jobs", "N"},
           {"force", 0, "grade_force", ""},
           {"tsan", 0, "grade_tsan", ""},
           {"timeout", 0, "grade_timeout", "SECONDS"}},
          2,
          2,
          &Run};
}

}  // namespace

Command GradeCommand() { return Self(); }

}  // namespace lab::cli
