// The per-submission grading pipeline. See grader.h.
#include "grader.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "check_report.h"
#include "compiler.h"
#include "files.h"
#include "lab_build_config.h"
#include "parallel.h"
#include "sandbox.h"
#include "scenario_run.h"
#include "spec_scan.h"

namespace lab::grader {
namespace {

constexpr std::size_t kCompileLogCap = 256 << 10;
constexpr std::size_t kSpecCap = 4 << 20;

// Removes the temporary directory whatever way GradeSubmission leaves.
struct TempDir {
  std::string path;
  ~TempDir() { RemoveTree(path); }
};

bool IsFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string FirstErrorLine(const std::string& diagnostics) {
  std::size_t pos = 0;
  std::string first;
  while (pos < diagnostics.size()) {
    const std::size_t nl = std::min(diagnostics.find('\n', pos), diagnostics.size());
    const std::string line = diagnostics.substr(pos, nl - pos);
    pos = nl + 1;
    if (first.empty() && !line.empty()) first = line;
    if (line.find("error") != std::string::npos) return line.substr(0, 300);
  }
  return first.substr(0, 300);
}

std::vector<ScenarioResult> FailEveryScenario(const std::vector<ScenarioInfo>& scenarios,
                                              const std::string& message) {
  std::vector<ScenarioInfo> list = scenarios;
  if (list.empty()) list.push_back({"build", 0, "the submission as a whole"});
  std::vector<ScenarioResult> out;
  for (const ScenarioInfo& info : list) {
    ScenarioResult r;
    r.info = info;
    Finding f;
    f.kind = FindingKind::kCompileError;
    f.message = message;
    f.scenario = info.name;
    r.findings.push_back(std::move(f));
    r.summary = "not run";
    out.push_back(std::move(r));
  }
  return out;
}

// Sites of a std:: submission come from its DWARF, which names the file by the grader's
// temporary build folder ("/tmp/lab-Xy12/build/counter.cpp"), new at every grade: the
// same submission graded twice got a different results.json, with a path of the grader's
// in it. Reports keep the file as the student named it.
void StripBuildDir(const std::string& dir, ScenarioResult* r) {
  const std::string prefix = dir + "/";
  const auto strip = [&prefix](SourceSite& s) {
    if (s.file.starts_with(prefix)) s.file.erase(0, prefix.size());
  };
  for (std::vector<Finding>* list : {&r->findings, &r->stress_findings}) {
    for (Finding& f : *list) {
      for (SourceSite& s : f.sites) strip(s);
      for (FindingStep& st : f.steps) {
        strip(st.site);
        strip(st.site2);
      }
      if (f.trace) {
        for (TraceEvent& e : f.trace->events) strip(e.site);
      }
    }
  }
}

// The compiled program's own list (`--list`), run in the sandbox like any scenario.
bool ListFromProgram(const std::string& binary, const std::string& workdir, bool tsan_runtime,
                     std::vector<ScenarioInfo>* out) {
  SandboxRequest sb;
  sb.argv = {binary, "--list"};
  sb.env = {"PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C", "HOME=" + workdir,
            "TMPDIR=" + workdir};
  sb.workdir = workdir;
  sb.readonly_paths = {binary.substr(0, binary.rfind('/'))};
  sb.limits = DefaultRunLimits(tsan_runtime, 20);
  sb.want_result_channel = false;
  const SandboxResult r = RunSandboxed(sb);
  if (!r.started || r.exit_code != 0 || r.term_signal != 0) return false;
  // The runner prints the list last; anything before it is the submission's.
  std::string_view text = r.stdout_data;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  const std::size_t nl = text.rfind('\n');
  const nlohmann::json j =
      nlohmann::json::parse(nl == std::string_view::npos ? text : text.substr(nl + 1), nullptr, false);
  if (!j.is_object() || !j.contains("scenarios") || !j["scenarios"].is_array()) return false;
  for (const nlohmann::json& s : j["scenarios"]) {
    if (!s.is_object() || !s.contains("name") || !s["name"].is_string()) return false;
    ScenarioInfo info;
    info.name = s["name"].get<std::string>();
    if (s.contains("points") && s["points"].is_number()) info.points = s["points"].get<double>();
    if (s.contains("description") && s["description"].is_string()) {
      info.description = s["description"].get<std::string>();
    }
    out->push_back(std::move(info));
  }
  return !out->empty();
}

// The scenarios to grade. The spec's own text is trusted; the program's list passes through
// the student's code, so it is used only where the spec cannot be read, and only for names
// the spec declares.
std::vector<ScenarioInfo> ChooseScenarios(const SpecScan& scan, const std::string& binary,
                                          const std::string& workdir, bool tsan_runtime) {
  if (scan.complete) return scan.scenarios;
  std::vector<ScenarioInfo> listed;
  if (!ListFromProgram(binary, workdir, tsan_runtime, &listed)) return scan.scenarios;
  if (scan.scenarios.empty()) return listed;
  std::vector<ScenarioInfo> out;
  for (const ScenarioInfo& s : scan.scenarios) {
    ScenarioInfo chosen = s;
    for (const ScenarioInfo& l : listed) {
      if (l.name == s.name) chosen = l;
    }
    out.push_back(std::move(chosen));
  }
  return out;
}

// Where the failure block of `replayed` first differs from the original's, or "" when
// they are the same byte for byte.
std::string FirstDifference(const ScenarioResult& original, const ScenarioResult& replayed) {
  CheckReportStyle style;
  style.check_command = "lab check";
  const std::string a = FormatFailureBlock(original, style);
  const std::string b = FormatFailureBlock(replayed, style);
  if (a == b) return "";
  std::istringstream sa(a), sb(b);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(sa, la));
    const bool more_b = static_cast<bool>(std::getline(sb, lb));
    if (!more_a) la = "(end)";
    if (!more_b) lb = "(end)";
    if (la != lb || !more_a || !more_b) {
      return "replay differs at line " + std::to_string(line) + " of the report: '" + la +
             "' became '" + lb + "'";
    }
  }
}

bool GradeImpl(const PuzzleInfo& puzzle, const std::string& submission_path,
               const GradeOptions& opt, SubmissionResult* result, std::string* setup_error) {
  const auto setup = [setup_error](std::string message) {
    *setup_error = std::move(message);
    return false;
  };
  std::string spec;
  if (!puzzle.has_spec || !ReadFile(puzzle.spec_path(), &spec, kSpecCap)) {
    return setup("puzzle '" + puzzle.name + "' has no readable spec.cpp (" + puzzle.dir + ")");
  }
  const SpecScan scan = ScanSpecScenarios(spec);
  std::string names;
  bool replayed_exists = false;
  for (const ScenarioInfo& s : scan.scenarios) {
    names += (names.empty() ? "" : ", ") + s.name;
    replayed_exists = replayed_exists || s.name == opt.replay_scenario;
  }
  const auto unknown_scenario = [&] {
    return setup("puzzle '" + puzzle.name + "' has no scenario '" + opt.replay_scenario +
                 "' (scenarios: " + names + ")");
  };
  // Known before compiling when the spec reads completely: fail fast.
  if (!opt.replay_scenario.empty() && scan.complete && !replayed_exists) return unknown_scenario();

  SubmissionResult& res = *result;
  res = SubmissionResult{};
  res.puzzle = puzzle.name;
  res.student = opt.student;
  res.submission = submission_path;
  res.source_name = SubmissionFileName(submission_path);
  res.tsan = opt.tsan;

  TempDir tmp;
  tmp.path = MakeTempDir(opt.temp_root, "lab-");
  if (tmp.path.empty()) return setup("cannot create a temporary directory");
  const std::string build = tmp.path + "/build", bin = tmp.path + "/bin";
  if (mkdir(build.c_str(), 0700) != 0 || mkdir(bin.c_str(), 0755) != 0) {
    return setup("cannot create directories under " + tmp.path);
  }

  if (opt.progress) opt.progress("compiling");
  CompileRequest creq = opt.lab;
  creq.submission_path = AbsolutePath(submission_path);
  creq.spec_path = puzzle.spec_path();
  creq.workdir = build;
  creq.tsan = opt.tsan;
  creq.time_limit_s = opt.compile_seconds;
  creq.output_binary.clear();
  const CompileResult c = CompileSubmission(creq);
  if (c.setup_error) return setup(c.message);
  res.compile_seconds = c.seconds;
  res.compile_log = CleanOutput(c.raw_log, kCompileLogCap);
  if (!c.source_name.empty()) res.source_name = c.source_name;
  if (!c.ok) {
    res.status = SubmissionStatus::kCompileError;
    res.message = c.message;
    const std::string first = FirstErrorLine(c.message);
    res.scenarios = FailEveryScenario(
        scan.scenarios, first.empty() ? "the submission did not compile" : "did not compile: " + first);
    return true;
  }

  // Instrumented by --tsan, or by the lab's own sanitizer flags (a `make tsan` build).
  const bool tsan_runtime =
      opt.tsan || opt.lab.sanitize_flags.value_or(LAB_SANITIZE_FLAGS).find("-fsanitize=thread") !=
                      std::string::npos;
  const std::string binary = bin + "/submission";
  if (rename(c.binary_path.c_str(), binary.c_str()) != 0 || chmod(binary.c_str(), 0755) != 0) {
    return setup("cannot move the compiled program into " + bin);
  }
  // A run sees bin/ and its own workdir only. A data race on plain memory is named from the
  // submission's text at the access (detector/src/stdcxx/access_names.h), which looks for
  // the source next to the program when its compile-time path is not there: a read-only
  // copy. Not fatal: without it a race is named by the size of the access.
  if (!res.source_name.empty()) {
    std::error_code ec;
    const std::string copy = bin + "/" + res.source_name;
    if (std::filesystem::copy_file(build + "/" + res.source_name, copy, ec)) {
      chmod(copy.c_str(), 0444);
    }
  }
  const std::string list_dir = tmp.path + "/list";
  mkdir(list_dir.c_str(), 0700);
  std::vector<ScenarioInfo> scenarios = ChooseScenarios(scan, binary, list_dir, tsan_runtime);
  if (!opt.replay_scenario.empty()) {
    std::vector<ScenarioInfo> only;
    names.clear();
    for (const ScenarioInfo& s : scenarios) {
      if (s.name == opt.replay_scenario) only.push_back(s);
      names += (names.empty() ? "" : ", ") + s.name;
    }
    if (only.empty()) return unknown_scenario();
    scenarios = std::move(only);
  }
  if (scenarios.empty()) {
    // Neither the spec nor the program named a scenario: the program dies before listing.
    scenarios.push_back({"startup", 0, "the program starts and lists its scenarios"});
  }

  res.scenarios.resize(scenarios.size());
  const auto start = std::chrono::steady_clock::now();
  std::vector<char> grader_errors(scenarios.size(), 0);
  // The runs start largest budget first (SpecScan::schedules; ties and scenarios the scan
  // does not know in the spec's order): with two at a time, fizzbuzz's 22000-schedule n1
  // no longer starts after the three short ones. Results keep the spec's order.
  std::vector<double> budget(scenarios.size(), 0);
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    for (std::size_t k = 0; k < scan.scenarios.size() && k < scan.schedules.size(); ++k) {
      if (scan.scenarios[k].name == scenarios[i].name) budget[i] = scan.schedules[k];
    }
  }
  std::vector<std::size_t> order(scenarios.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return budget[a] > budget[b]; });
  // A hang every scenario repeats (ScenarioResult::repeating_hang: before main(), at exit):
  // once one run showed it, a scenario not started yet gets the same verdict at once
  // instead of waiting the wall-clock limit again. Which scenarios ran depends only on -j
  // (ParallelFor hands them out in `order`), so the report is the same from run to run.
  std::mutex repeat_mu;
  std::string repeating_hang;  // guarded by repeat_mu
  ParallelFor(scenarios.size(), opt.jobs, [&](std::size_t k) {
    const std::size_t i = order[k];
    {
      std::lock_guard<std::mutex> lk(repeat_mu);
      if (!repeating_hang.empty()) {
        ScenarioResult r = NotRunAfterRepeatingHang(scenarios[i].name, repeating_hang,
                                                    opt.scenario_wall_seconds);
        r.info = scenarios[i];
        res.scenarios[i] = std::move(r);
        return;
      }
    }
    if (opt.progress) opt.progress("running " + scenarios[i].name);
    ScenarioRunRequest req;
    req.binary = binary;
    req.scenario = scenarios[i].name;
    req.replay_token = opt.replay_scenario.empty() ? "" : opt.replay_token;
    req.source_name = res.source_name;
    req.tsan = opt.tsan;
    req.tsan_runtime = tsan_runtime;
    req.schedules_scale = opt.schedules_scale;
    req.seed = opt.seed;
    req.limits = DefaultRunLimits(tsan_runtime, opt.scenario_wall_seconds);
    req.workdir = tmp.path + "/run-" + std::to_string(i);
    bool grader_error = false;
    ScenarioResult r;
    if (mkdir(req.workdir.c_str(), 0700) != 0) {
      grader_error = true;
      Finding f;
      f.kind = FindingKind::kCrash;
      f.message = "the grader could not create a working directory; grade it again";
      f.scenario = req.scenario;
      r.findings.push_back(std::move(f));
    } else {
      r = RunScenario(req, &grader_error);
      StripBuildDir(build, &r);
    }
    r.info = scenarios[i];
    if (!r.repeating_hang.empty()) {
      std::lock_guard<std::mutex> lk(repeat_mu);
      if (repeating_hang.empty()) repeating_hang = r.repeating_hang;
    }
    res.scenarios[i] = std::move(r);
    grader_errors[i] = grader_error ? 1 : 0;
  });
  res.run_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (char e : grader_errors) res.incomplete = res.incomplete || e != 0;
  if (opt.verify_replays && opt.replay_scenario.empty()) {
    for (std::size_t i = 0; i < scenarios.size(); ++i) {
      const ScenarioResult& s = res.scenarios[i];
      if (s.passed() || s.findings.front().replay.empty()) continue;
      ScenarioRunRequest req;
      req.binary = binary;
      req.scenario = scenarios[i].name;
      req.replay_token = s.findings.front().replay;
      req.source_name = res.source_name;
      req.tsan = opt.tsan;
      req.tsan_runtime = tsan_runtime;
      req.limits = DefaultRunLimits(tsan_runtime, opt.scenario_wall_seconds);
      req.workdir = tmp.path + "/replay-" + std::to_string(i);
      bool grader_error = false;
      if (mkdir(req.workdir.c_str(), 0700) != 0) continue;
      ScenarioResult again = RunScenario(req, &grader_error);
      StripBuildDir(build, &again);
      again.info = scenarios[i];
      if (grader_error) continue;  // the machine's fault, not the replay's
      ++res.replays_checked;
      std::string diff = FirstDifference(s, again);
      if (!diff.empty()) res.replay_mismatches.push_back(s.info.name + ": " + diff);
    }
  }
  return true;
}

}  // namespace

std::string LabSetupProblem() {
  const std::string cxx = LAB_CXX_COMPILER;
  if (access(cxx.c_str(), X_OK) != 0) {
    return "the C++ compiler '" + cxx + "' is missing: re-run cmake and make";
  }
  for (const std::string& needed :
       {std::string(LAB_PUBLIC_INCLUDE_DIR) + "/lab/sync.h",
        std::string(LAB_SPEC_INCLUDE_DIR) + "/lab/spec.h", std::string(LAB_LIBLAB),
        std::string(LAB_LIBSPEC), std::string(LAB_BINARY_DIR) + "/harness/liblab_spec_main.a"}) {
    if (!IsFile(needed)) return "lab is not built: run make (missing " + needed + ")";
  }
  return "";
}

bool GradeSubmission(const PuzzleInfo& puzzle, const std::string& submission_path,
                     const GradeOptions& options, SubmissionResult* result,
                     std::string* setup_error) {
  try {
    return GradeImpl(puzzle, submission_path, options, result, setup_error);
  } catch (const std::exception& e) {
    *setup_error = std::string("grading failed: ") + e.what();
  } catch (...) {
    *setup_error = "grading failed: unexpected exception";
  }
  return false;
}

SubmissionResult RejectedSubmission(const PuzzleInfo& puzzle, const std::string& submission,
                                    const std::string& why) {
  SubmissionResult res;
  res.puzzle = puzzle.name;
  res.submission = submission;
  res.status = SubmissionStatus::kRejected;
  res.message = why;
  std::string spec;
  SpecScan scan;
  if (ReadFile(puzzle.spec_path(), &spec, kSpecCap)) scan = ScanSpecScenarios(spec);
  res.scenarios = FailEveryScenario(scan.scenarios, "not graded: " + why);
  return res;
}

}  // namespace lab::grader
