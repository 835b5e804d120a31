// A self-contained HTML page for one graded submission (`lab check --html F`, and each
// student's report.html from `lab grade`): the score, a table of scenarios, and for each
// failing scenario its first finding drawn from the data, not from the text report:
//
//   - the schedule as lanes, one per thread (html_timeline.cc): a dot per operation in step
//     order with the virtual time above, each lock's held span as a bar, each wait hatched,
//     the failing step shaded;
//   - a slider (and ◀ ▶) that steps through the schedule, moving the cursor in the lanes and
//     each thread's marker in the source;
//   - the finding's graph (html_graph.cc): the lock-order or wait-for cycle as an SVG;
//   - the student's source (html_source.cc) with each thread's position at the failure;
//   - the teaching text, the text report in a <details>, the replay command.
//
// One file: inline CSS, JS and SVG, no network, works from file://. Everything from the
// submission or the run (names, labels, source lines, output) is escaped; data for the
// script is JSON with <, > and & as \u escapes, read with JSON.parse and shown with
// textContent. Without JavaScript the page still shows the failure step.
#pragma once

#include <string>

#include "submission_result.h"

namespace lab::grader {

// `check_command` is the shell command that checks the submission again (for replay lines);
// `source` is the submission's text ("" when not available: no source pane).
std::string HtmlReport(const SubmissionResult& result, const std::string& check_command,
                       const std::string& source);

}  // namespace lab::grader
