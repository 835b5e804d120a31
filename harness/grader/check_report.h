// The student's report: what `lab check` prints.
//
//   Checking counter.cpp against puzzle mini (2 scenarios)
//
//     PASS  two_adders  3/3  two threads add 100 times each
//     FAIL  racy        0/2  a reader while two writers add
//
//   FAIL racy (0/2): a reader while two writers add
//   lab: data-race — Data race: ...            <- lab::FormatFindingText of the first finding
//   ...
//   replay: lab check mini counter.cpp --replay racy:v1.pct.s1.4a
//
//   compiled in 1.9 s; ran 2 scenarios in 0.6 s
//   score: 3/5
//
// The failure block of a scenario (FormatFailureBlock: from "FAIL racy" to the replay line)
// holds nothing that can differ between two runs of the same schedule (no timings, no paths of
// temporary directories), so `lab check ... --replay racy:<token>` prints it byte for byte
// again. Timings appear only in the footer. Formatting only; every decision is in the result.
#pragma once

#include <string>
#include <string_view>

#include "submission_result.h"

namespace lab::grader {

struct CheckReportStyle {
  bool color = false;  // ANSI colours (only when writing to a terminal)
  // The command that checks this submission again, shell-quoted, e.g.
  // "lab check fizzbuzz fizzbuzz.cpp"; the replay line appends "--replay <scenario>:<token>".
  // Empty: no replay line.
  std::string check_command;
  bool replay = false;  // the result is the replay of one scenario
  std::string replay_token;  // for the header of a replay
};

// The whole report, ending with the "score: x/y" line.
std::string FormatCheckReport(const SubmissionResult& result, const CheckReportStyle& style);

// One failing scenario: header line, its first finding in full, the other finding ids, the
// replay command (when the finding has a token) and the tail of the program's output (when
// the run ended abnormally). "" for a passing scenario.
std::string FormatFailureBlock(const ScenarioResult& scenario, const CheckReportStyle& style);

// `word` as one shell word: unchanged when it is made of safe characters, else in single
// quotes (with ' written as '\'').
std::string ShellQuote(std::string_view word);

// The command that checks `file` against `puzzle` again, for replay lines (CheckReportStyle::
// check_command): "lab check <puzzle> <file>", with --tsan when the result was built with
// ThreadSanitizer (a replay must run the same build: its schedules are not the default's).
std::string CheckCommand(std::string_view puzzle, std::string_view file, bool tsan);

}  // namespace lab::grader
