// A self-contained HTML page for one graded submission (`lab check --html F`): the score,
// a table of scenarios, and for each failing one the same failure block `lab check` prints,
// in a <pre>. No scripts, no external resources; every text from the submission or the run
// is escaped (junit.h's XmlEscape, which also drops characters HTML cannot show).
#pragma once

#include <string>

#include "submission_result.h"

namespace lab::grader {

// `check_command` is the shell command that checks the submission again (for replay lines).
std::string HtmlReport(const SubmissionResult& result, const std::string& check_command);

}  // namespace lab::grader
