// Running one scenario of a compiled submission in the sandbox, and deciding from what the
// sandbox saw what the run earned (DESIGN.md §8, "Results").
//
//   ScenarioRunRequest req;
//   req.binary = bin_dir + "/submission";  req.scenario = "n15";  req.workdir = fresh_dir;
//   ScenarioResult r = RunScenario(req);  // r.info is left for the caller to fill
//
// The verdict is the parent's. The child (the runner, linked into the submission) gets a
// random key on fd 4 and must write one completion record, carrying that key, on fd 3:
//   {"record":"lab-scenario-v1","scenario":"n15","completed":true,"key":"<key>",
//    "findings":[...],"stress_findings":[...],"summary":"..."}
// Only a run that exits with status 0 after writing such a record is judged by its findings.
// Anything else earns nothing and gets a finding of the grader's own:
//   wall-clock limit            -> hang (the child and its whole tree were killed); where
//                                  it hung, from the runner's "lab-progress" lines
//                                  before the record: before main() or at exit is
//                                  `repeating_hang` (every scenario would do the same)
//   stdout/stderr past the cap  -> resource-limit (stopped at once; output cut with a marker)
//   exit status 124             -> hang (the runner's watchdog: its "lab: ..." message)
//   CPU, memory, file size,
//   process/thread limit        -> resource-limit
//   a signal, a non-zero status -> crash (signal name, last line of stderr)
//   no record / a foreign key   -> crash ("exited before the scenario finished ...")
// so exit(0) mid-run, a forged record on stdout or a crash after the record earn no marks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sandbox.h"
#include "submission_result.h"

namespace lab::grader {

struct ScenarioRunRequest {
  std::string binary;        // absolute path of the compiled submission
  std::string scenario;      // which scenario to run
  std::string replay_token;  // non-empty: run exactly this schedule
  std::string source_name;   // the submission's file name, for ThreadSanitizer frames
  bool tsan = false;         // fold ThreadSanitizer's race reports into findings (--tsan)
  // The binary was built with -fsanitize=thread (by --tsan, or because the lab itself is a
  // TSan build): TSan's runtime needs its options and no address-space limit.
  bool tsan_runtime = false;
  double schedules_scale = 1;  // != 1: LAB_SCHEDULES_SCALE for the runner
  std::uint64_t seed = 0;      // != 0: LAB_SEED for the runner
  SandboxLimits limits;        // see DefaultRunLimits()
  std::string workdir;         // fresh private directory: the child's cwd
};

// The run limits of DESIGN §8 for one scenario. `tsan` (a TSan-built binary) lifts the address-space limit
// (ThreadSanitizer reserves terabytes of shadow) and keeps a memory cgroup cap instead.
SandboxLimits DefaultRunLimits(bool tsan, double wall_seconds);

// Runs the scenario and returns its findings, summary, output tail and time (the `info` of
// the result is left empty). Thread-safe; never throws. When the sandbox could not start the
// program at all, `*grader_error` (if given) is set: the crash finding then blames the grader.
ScenarioResult RunScenario(const ScenarioRunRequest& req, bool* grader_error = nullptr);

// The verdict alone: what a finished sandbox run `r`, which was sent `key`, earned. Pure.
ScenarioResult JudgeScenarioRun(const SandboxResult& r, const std::string& key,
                                const ScenarioRunRequest& req);

// The verdict of a scenario the grader did not run because an earlier run of the same
// program hung where every scenario repeats it (ScenarioResult::repeating_hang, `where`):
// a `hang` that says so.
ScenarioResult NotRunAfterRepeatingHang(const std::string& scenario, const std::string& where,
                                        double wall_seconds);

// "SIGSEGV (Segmentation fault)".
std::string DescribeSignal(int sig);

}  // namespace lab::grader
