// Gradescope's results.json for one graded submission (the autograder specification:
// https://gradescope-autograders.readthedocs.io/en/latest/specs/).
//
//   {"score": 7, "max_score": 10, "execution_time": 3.4, "output": "...",
//    "visibility": "visible", "stdout_visibility": "visible",
//    "tests": [{"name": "n15", "score": 4, "max_score": 4, "status": "passed",
//               "output": "...", "visibility": "visible"}, ...],
//    "extra_data": {"lab_version": "0.1.0", "puzzle": "fizzbuzz", "student": "alice",
//                   "submission": "fizzbuzz.cpp", "status": "graded", "tsan": false,
//                   "findings": [<lab finding JSON>...], "stress_findings": [...],
//                   "compile_message": "...", "compile_log": "..."}}
//
// A test's output is the scenario's description and then, when it failed, the same failure
// block `lab check` prints (no colour), with a replay command for the student's own folder
// ("lab check fizzbuzz fizzbuzz.cpp --replay n15:<token>"). Whole-number points are written
// as integers. Keys keep this order, so documents diff cleanly.
#pragma once

#include <string>

#include "submission_result.h"

namespace lab::grader {

// The document, pretty-printed with a trailing newline. Never throws (invalid UTF-8 from a
// student's output becomes U+FFFD).
std::string ResultsJson(const SubmissionResult& result);

}  // namespace lab::grader
