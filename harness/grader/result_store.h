// A SubmissionResult saved whole and loaded back, so a resumed `lab grade` run can write the
// class-wide gradebook.csv and junit.xml with the students it skipped.
//
//   std::string doc = SubmissionResultToJson(r);            // {"record":"lab-submission-v1",...}
//   SubmissionResult back;
//   if (SubmissionResultFromJson(doc, &back)) ...            // back == r, field for field
//
// The lab's own format (results.json is Gradescope's and drops what the writers need).
#pragma once

#include <string>
#include <string_view>

#include "submission_result.h"

namespace lab::grader {

std::string SubmissionResultToJson(const SubmissionResult& result);

// False (and `out` untouched) when `json` is not a document SubmissionResultToJson wrote.
bool SubmissionResultFromJson(std::string_view json, SubmissionResult* out);

}  // namespace lab::grader
