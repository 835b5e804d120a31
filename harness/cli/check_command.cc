// `lab check <puzzle> <file>`: the student's command. Compiles the file with the puzzle's
// spec, runs every scenario under the controlled scheduler and in stress, and explains each
// failure with a replay command that reproduces it byte for byte.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "check_report.h"
#include "command.h"
#include "files.h"
#include "grader.h"
#include "html_report.h"
#include "lab/explore.h"
#include "puzzles.h"
#include "results_json.h"
#include "terminal.h"

ABSL_FLAG(double, check_schedules_scale, 1.0,
          "multiply the spec's schedule budgets and stress runs by F (more schedules find rarer "
          "bugs)");
ABSL_FLAG(std::uint64_t, check_seed, 0, "seed of the controlled runs (0: the lab's fixed seeds)");
ABSL_FLAG(std::string, check_replay, "",
          "run only SCENARIO, with exactly the schedule of TOKEN (from a replay: line)");
ABSL_FLAG(bool, check_tsan, false,
          "also build with ThreadSanitizer and report its data races on plain memory");
ABSL_FLAG(std::string, check_html, "", "also write the report as a self-contained HTML page");
ABSL_FLAG(std::string, check_json, "", "also write the result as Gradescope results.json");
ABSL_FLAG(int, check_jobs, 2, "scenarios run in parallel");
ABSL_FLAG(double, check_timeout, 60, "wall-clock limit of one scenario run, in seconds");

namespace lab::cli {
namespace {

Command Self();

std::string PuzzleNames(const std::string& dir) {
  std::string names;
  for (const grader::PuzzleInfo& p : grader::ListPuzzles(dir)) {
    names += (names.empty() ? "" : ", ") + p.name;
  }
  return names.empty() ? "none in " + dir : names;
}

int Run(const std::vector<std::string>& args) {
  const Command cmd = Self();
  const std::string& puzzle_name = args[0];
  const std::string& file = args[1];
  const std::string dir = grader::DefaultPuzzlesDir();
  const auto puzzle = grader::FindPuzzle(dir, puzzle_name);
  if (!puzzle) {
    return UsageError(cmd, "unknown puzzle '" + puzzle_name + "' (puzzles: " + PuzzleNames(dir) + ")");
  }
  if (!puzzle->has_spec) return UsageError(cmd, "puzzle '" + puzzle->name + "' has no spec.cpp yet");
  struct stat st;
  if (stat(file.c_str(), &st) != 0) return UsageError(cmd, "no such file: " + file);
  if (!S_ISREG(st.st_mode)) return UsageError(cmd, file + " is not a regular file");

  grader::GradeOptions opt;
  opt.tsan = absl::GetFlag(FLAGS_check_tsan);
  opt.jobs = absl::GetFlag(FLAGS_check_jobs);
  opt.schedules_scale = absl::GetFlag(FLAGS_check_schedules_scale);
  opt.seed = absl::GetFlag(FLAGS_check_seed);
  opt.scenario_wall_seconds = absl::GetFlag(FLAGS_check_timeout);
  if (opt.jobs < 1) return UsageError(cmd, "--jobs must be at least 1");
  if (!(opt.schedules_scale > 0)) return UsageError(cmd, "--schedules-scale must be positive");
  if (!(opt.scenario_wall_seconds > 0)) return UsageError(cmd, "--timeout must be positive");
  // --json and --html are written when the check is done: a directory that cannot take
  // them is said now, not after minutes of checking whose result would then be lost.
  for (const auto& [flag, path] : {std::pair{"--json", absl::GetFlag(FLAGS_check_json)},
                                   std::pair{"--html", absl::GetFlag(FLAGS_check_html)}}) {
    if (path.empty()) continue;
    const std::size_t slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    struct stat ds;
    if (stat(dir.c_str(), &ds) != 0 || !S_ISDIR(ds.st_mode)) {
      return UsageError(cmd, std::string(flag) + " " + path + ": no such directory: " + dir);
    }
    if (access(dir.c_str(), W_OK) != 0) {
      return UsageError(cmd, std::string(flag) + " " + path + ": directory " + dir +
                                 " is not writable");
    }
    if (struct stat fs; stat(path.c_str(), &fs) == 0 && S_ISDIR(fs.st_mode)) {
      return UsageError(cmd, std::string(flag) + " " + path + " is a directory");
    }
  }
  const std::string replay = absl::GetFlag(FLAGS_check_replay);
  if (!replay.empty()) {
    const auto colon = replay.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == replay.size()) {
      return UsageError(cmd, "--replay wants SCENARIO:TOKEN, as printed after replay: (got '" +
                                 replay + "')");
    }
    opt.replay_scenario = replay.substr(0, colon);
    opt.replay_token = replay.substr(colon + 1);
    if (std::string why = lab::replay_token_error(opt.replay_token); !why.empty()) {
      return UsageError(cmd, why);
    }
  }

  ProgressLine progress;
  const std::string shown = file;
  if (progress.active()) {
    opt.progress = [&progress, &shown](const std::string& what) {
      progress.Update("lab check " + shown + ": " + what + " ...");
    };
  }
  grader::SubmissionResult result;
  std::string error;
  const bool ok = grader::GradeSubmission(*puzzle, file, opt, &result, &error);
  progress.Clear();
  if (!ok) return UsageError(cmd, error);

  grader::CheckReportStyle style;
  style.color = UseColor(1);
  style.check_command = grader::CheckCommand(puzzle->name, file, opt.tsan);
  style.replay = !opt.replay_scenario.empty();
  style.replay_token = opt.replay_token;
  std::fputs(grader::FormatCheckReport(result, style).c_str(), stdout);
  std::fflush(stdout);

  int status = kExitOk;
  if (const std::string json = absl::GetFlag(FLAGS_check_json); !json.empty()) {
    if (!grader::WriteFileAtomically(json, grader::ResultsJson(result), &error)) {
      status = UsageError(cmd, error);
    }
  }
  if (const std::string html = absl::GetFlag(FLAGS_check_html); !html.empty()) {
    style.color = false;
    // The source as it was graded (it is small: the compiler took it whole).
    std::string source;
    if (!grader::ReadFile(file, &source, 4u << 20)) source.clear();
    if (!grader::WriteFileAtomically(html, grader::HtmlReport(result, style.check_command, source),
                                     &error)) {
      status = UsageError(cmd, error);
    }
  }
  if (status != kExitOk) return status;
  if (result.status != grader::SubmissionStatus::kGraded) return kExitCompile;
  return result.all_passed() ? kExitOk : kExitFindings;
}

Command Self() {
  return {"check",
          "<puzzle> <file>",
          "compile a solution, run every scenario, explain each failure",
          "Compiles <file> with the puzzle's spec in a sandbox, runs each scenario under the\n"
          "controlled scheduler (fixed seeds: the same file gets the same result) and in real\n"
          "parallel stress, and prints PASS/FAIL per scenario with points. For a failing\n"
          "scenario it prints the first finding in full and a replay command that reproduces\n"
          "the same interleaving and the same report.\n"
          "Exit status: 0 all pass, 1 a test failed, 2 usage or setup error, 3 compile error.",
          {{"schedules-scale", 0, "check_schedules_scale", "F"},
           {"seed", 0, "check_seed", "S"},
           {"replay", 0, "check_replay", "SCENARIO:TOKEN"},
           {"tsan", 0, "check_tsan", ""},
           {"html", 0, "check_html", "FILE"},
           {"json", 0, "check_json", "FILE"},
           {"jobs", 'j', "check_jobs", "N"},
           {"timeout", 0, "check_timeout", "SECONDS"}},
          2,
          2,
          &Run};
}

}  // namespace

Command CheckCommand() { return Self(); }

}  // namespace lab::cli
