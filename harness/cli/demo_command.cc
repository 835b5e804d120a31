// `lab demo`: grade every puzzle's reference and buggy variants and show that the lab finds
// what each one declares. `make demo` runs it.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "command.h"
#include "demo.h"
#include "parallel.h"
#include "puzzles.h"
#include "terminal.h"

ABSL_FLAG(std::string, demo_out, "demo-out", "folder for each variant's results.json");
ABSL_FLAG(int, demo_jobs, 0, "variants graded in parallel (0: the number of cores)");
ABSL_FLAG(double, demo_timeout, 60, "wall-clock limit of one scenario run, in seconds");

namespace lab::cli {
namespace {

Command Self();

std::string Ids(const std::vector<std::string>& ids) {
  if (ids.empty()) return "-";
  std::string s;
  for (const std::string& id : ids) s += (s.empty() ? "" : " ") + id;
  return s;
}

int Run(const std::vector<std::string>&) {
  const Command cmd = Self();
  grader::DemoOptions opt;
  opt.jobs = absl::GetFlag(FLAGS_demo_jobs);
  if (opt.jobs < 0) return UsageError(cmd, "--jobs must be at least 1 (or 0 for the number of cores)");
  if (opt.jobs == 0) opt.jobs = grader::AvailableCores();
  opt.out_dir = absl::GetFlag(FLAGS_demo_out);
  opt.grade.scenario_wall_seconds = absl::GetFlag(FLAGS_demo_timeout);

  ProgressLine progress;
  const auto on_row = [&progress](const grader::DemoRow& row, std::size_t done, std::size_t total) {
    const std::string line = "demo " + std::to_string(done) + "/" + std::to_string(total) + "  " +
                             row.puzzle + " " + row.variant + (row.ok ? "  OK" : "  MISMATCH");
    if (progress.active()) {
      progress.Update(line);
    } else {
      std::fprintf(stderr, "%s\n", line.c_str());
    }
  };
  grader::DemoSummary sum;
  std::string error;
  const bool ok = grader::RunDemo(grader::DefaultPuzzlesDir(), opt, on_row, &sum, &error);
  progress.Clear();
  if (!ok) return UsageError(cmd, error);

  struct Cells {
    std::string puzzle, variant, expected, found, score, time, verdict;
  };
  std::vector<Cells> rows = {{"puzzle", "variant", "expected", "found", "score", "time", "verdict"}};
  for (const grader::DemoRow& r : sum.rows) {
    char time[32];
    std::snprintf(time, sizeof time, "%.1fs", r.seconds);
    Cells c{r.puzzle,
            r.variant,
            r.reference ? "(full marks)" : Ids(r.expected),
            r.problem.empty() ? Ids(r.found) : "error: " + r.problem,
            grader::FormatPoints(r.score) + "/" + grader::FormatPoints(r.max_score),
            time,
            r.ok ? "OK" : "MISMATCH"};
    rows.push_back(std::move(c));
  }
  std::size_t w[6] = {0, 0, 0, 0, 0, 0};
  for (const Cells& c : rows) {
    const std::string* cells[6] = {&c.puzzle, &c.variant, &c.expected, &c.found, &c.score, &c.time};
    for (int i = 0; i < 6; ++i) w[i] = std::max(w[i], cells[i]->size());
  }
  const bool color = UseColor(1);
  for (const Cells& c : rows) {
    std::string verdict = c.verdict;
    if (color && &c != &rows.front()) {
      verdict = (verdict == "OK" ? "\x1b[32m" : "\x1b[31m") + verdict + "\x1b[0m";
    }
    std::printf("%-*s  %-*s  %-*s  %-*s  %*s  %*s  %s\n", static_cast<int>(w[0]), c.puzzle.c_str(),
                static_cast<int>(w[1]), c.variant.c_str(), static_cast<int>(w[2]), c.expected.c_str(),
                static_cast<int>(w[3]), c.found.c_str(), static_cast<int>(w[4]), c.score.c_str(),
                static_cast<int>(w[5]), c.time.c_str(), verdict.c_str());
  }
  for (const std::string& s : sum.skipped) std::printf("skipped %s\n", s.c_str());
  std::printf("%zu variants: %zu OK, %zu MISMATCH; %d failing scenarios replayed from their "
              "tokens; wall time %.1f s; results in %s/\n",
              sum.rows.size(), sum.rows.size() - sum.mismatches, sum.mismatches, sum.replays,
              sum.wall_seconds, opt.out_dir.c_str());
  return sum.mismatches == 0 ? kExitOk : kExitFindings;
}

Command Self() {
  return {"demo",
          "",
          "grade every puzzle's reference and buggy variants; show what the lab finds",
          "For every puzzle with a spec, grades reference.cpp (expected: full marks, no finding)\n"
          "and each buggy/*.cpp (expected: the ids of its first line, `// lab-expect: <id> ...`),\n"
          "then the standard-C++ ones under std/ (rows std/reference, std/buggy/<name>),\n"
          "in parallel, and prints one row per variant marked OK or MISMATCH. Every failing\n"
          "scenario is replayed from its token and must print the same report, byte for byte.\n"
          "Exit status 1 when any row is a MISMATCH.",
          {{"out", 'o', "demo_out", "DIR"}, {"jobs", 'j', "demo_jobs", "N"},
           {"timeout", 0, "demo_timeout", "SECONDS"}},
          0,
          0,
          &Run};
}

}  // namespace

Command DemoCommand() { return Self(); }

}  // namespace lab::cli
