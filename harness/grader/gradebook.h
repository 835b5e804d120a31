// The class gradebook as CSV (RFC 4180, CRLF line ends), one row per student:
//
//   student,score,max_score,n15,n15_number_first,n5,n1,first_finding,submission
//   alice,10,10,4,3,2,1,,alice/fizzbuzz.cpp
//   bob,4,10,4,0,0,0,stall,bob.cpp
//
// A scenario column holds the points earned (empty when the student has no such scenario);
// first_finding is the id of the student's first graded finding in scenario order;
// submission is the file graded, as found in the class folder (ClassSubmission::entry),
// so that a row can be traced to its file. Every
// field goes through CsvField (names.h): quoted where needed, formula starts (= + - @)
// neutralised, so a student named "=HYPERLINK(...)" cannot run anything in a spreadsheet.
#pragma once

#include <string>
#include <vector>

#include "submission_result.h"

namespace lab::grader {

std::string GradebookCsv(const std::vector<SubmissionResult>& results);

}  // namespace lab::grader
