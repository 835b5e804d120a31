// Hand-built SubmissionResults for the writer tests (results_json, junit, gradebook): one
// graded submission with a passing and a failing scenario, and one that did not compile.
#pragma once

#include <string>

#include "lab/finding.h"
#include "submission_result.h"

namespace lab::grader::testing {

inline Finding RaceFinding(const std::string& scenario) {
  Finding f;
  f.kind = FindingKind::kDataRace;
  f.message = "on 'n': read by 'adder-1' at mini.cpp:8 and write by 'adder-2' at mini.cpp:8";
  f.threads = {"adder-1", "adder-2"};
  f.sites = {{"mini.cpp", 8}, {"mini.cpp", 8}};
  f.objects = {"n"};
  f.steps = {{"adder-2", "write", "n", {"mini.cpp", 8}, {}},
             {"adder-1", "read", "n", {"mini.cpp", 8}, {}}};
  f.replay = "v1.pct.1.3.0.s";
  f.scenario = scenario;
  return f;
}

// alice: two_adders passes (3 points), racy fails with a data race (0 of 2).
inline SubmissionResult GradedSample() {
  SubmissionResult r;
  r.puzzle = "mini";
  r.student = "alice";
  r.submission = "alice/mini.cpp";
  r.source_name = "mini.cpp";
  r.compile_log = "";
  r.compile_seconds = 1.5;
  r.run_seconds = 0.25;
  ScenarioResult pass;
  pass.info = {"two_adders", 3, "two threads add 3 times each"};
  pass.summary = "80 schedules, no bug found";
  pass.seconds = 0.125;
  ScenarioResult fail;
  fail.info = {"racy", 2, "a reader next to a writer"};
  fail.findings = {RaceFinding("racy")};
  fail.seconds = 0.125;
  r.scenarios = {pass, fail};
  return r;
}

// bob: did not compile; both scenarios fail with compile-error.
inline SubmissionResult CompileErrorSample() {
  SubmissionResult r;
  r.puzzle = "mini";
  r.student = "bob";
  r.submission = "bob.cpp";
  r.source_name = "bob.cpp";
  r.status = SubmissionStatus::kCompileError;
  r.message = "bob.cpp:5:24: error: expected ';' before '}' token\n";
  r.compile_log = "bob.cpp: In member function 'void Counter::add()':\n" + r.message;
  for (const char* name : {"two_adders", "racy"}) {
    ScenarioResult s;
    s.info = {name, name[0] == 't' ? 3.0 : 2.0, ""};
    Finding f;
    f.kind = FindingKind::kCompileError;
    f.message = "did not compile: bob.cpp:5:24: error: expected ';' before '}' token";
    f.scenario = name;
    s.findings = {f};
    r.scenarios.push_back(s);
  }
  return r;
}

}  // namespace lab::grader::testing
