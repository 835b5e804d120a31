// JUnit XML for a graded class (or one submission): one <testsuite> per student, one
// <testcase> per scenario, a <failure> with the finding for each failing one, so CI systems
// and JUnit viewers show the grades.
//
//   <testsuites name="lab grade fizzbuzz" tests="8" failures="3" errors="0">
//     <testsuite name="alice" tests="4" failures="1" errors="0" skipped="0" time="2.310">
//       <properties><property name="score" value="7"/>...</properties>
//       <testcase classname="fizzbuzz.alice" name="n15" time="0.120"/>
//       <testcase classname="fizzbuzz.alice" name="n5" time="0.200">
//         <failure type="data-race" message="Data race: ...">(the failure block)</failure>
//       </testcase>
//     </testsuite>
//   </testsuites>
//
// Everything from a submission is escaped, and characters XML 1.0 cannot hold (control
// characters, U+FFFE, U+FFFF, invalid UTF-8, terminal escapes) are removed, so the document
// is always well-formed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "submission_result.h"

namespace lab::grader {

std::string JunitXml(const std::vector<SubmissionResult>& results, std::string_view name);

// `text` fit for XML character data and attribute values: cleaned (see above), with
// & < > " ' escaped.
std::string XmlEscape(std::string_view text);

}  // namespace lab::grader
