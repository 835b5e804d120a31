// Tests of the CSV gradebook (harness/grader/gradebook.h): exact layout, RFC 4180 quoting and
// neutralised spreadsheet formulas.
#include "gradebook.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sample_results.h"

namespace lab::grader {
namespace {

TEST(Gradebook, ExactRowsForAGradedAndACompileErrorStudent) {
  const std::string csv =
      GradebookCsv({testing::GradedSample(), testing::CompileErrorSample()});
  EXPECT_EQ(csv,
            "student,score,max_score,two_adders,racy,first_finding,submission\r\n"
            "alice,3,5,3,0,data-race,alice/mini.cpp\r\n"
            "bob,0,5,0,0,compile-error,bob.cpp\r\n");
}

// A rejected submission (two .cpp files in its folder, a .cc file) says so in the
// first_finding column, as the console's "(rejected)" does; it said compile-error.
TEST(Gradebook, ARejectedSubmissionIsRejectedNotACompileError) {
  SubmissionResult r = testing::CompileErrorSample();
  r.status = SubmissionStatus::kRejected;
  EXPECT_EQ(GradebookCsv({r}),
            "student,score,max_score,two_adders,racy,first_finding,submission\r\n"
            "bob,0,5,0,0,rejected,bob.cpp\r\n");
}

TEST(Gradebook, FullMarksLeaveFirstFindingEmpty) {
  SubmissionResult r = testing::GradedSample();
  r.scenarios[1].findings.clear();
  EXPECT_EQ(GradebookCsv({r}),
            "student,score,max_score,two_adders,racy,first_finding,submission\r\n"
            "alice,5,5,3,2,,alice/mini.cpp\r\n");
}

TEST(Gradebook, FormulaStartsAreNeutralisedAndFieldsQuoted) {
  SubmissionResult evil = testing::GradedSample();
  evil.student = "=HYPERLINK(\"http://x\",\"y\")";
  SubmissionResult comma = testing::GradedSample();
  comma.student = "doe, jane";
  SubmissionResult plus = testing::GradedSample();
  plus.student = "+1";
  SubmissionResult at = testing::GradedSample();
  at.student = "@SUM(A1)";
  const std::string csv = GradebookCsv({evil, comma, plus, at});
  // The formula gets a leading quote and, holding quotes and commas, is quoted itself.
  EXPECT_NE(csv.find("\r\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",3,5,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\r\n\"doe, jane\",3,5,"), std::string::npos) << csv;
  // "+1" is a plain number, which spreadsheets read as the value it is: left alone.
  EXPECT_NE(csv.find("\r\n+1,3,5,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\r\n'@SUM(A1),3,5,"), std::string::npos) << csv;
  // No line of the file starts with a formula character.
  for (std::size_t pos = 0; pos < csv.size(); pos = csv.find("\r\n", pos) + 2) {
    if (pos >= csv.size()) break;
    EXPECT_EQ(std::string("=@").find(csv[pos]), std::string::npos) << csv.substr(pos, 20);
  }
}

TEST(Gradebook, ScenarioColumnsAreTheUnionInOrder) {
  SubmissionResult a = testing::GradedSample();
  SubmissionResult b = testing::GradedSample();
  b.student = "carol";
  b.scenarios.push_back({});
  b.scenarios.back().info = {"extra", 1, ""};
  const std::string csv = GradebookCsv({a, b});
  EXPECT_EQ(csv,
            "student,score,max_score,two_adders,racy,extra,first_finding,submission\r\n"
            "alice,3,5,3,0,,data-race,alice/mini.cpp\r\n"
            "carol,4,6,3,0,1,data-race,alice/mini.cpp\r\n");
}

TEST(Gradebook, EmptyClassHasTheHeaderOnly) {
  EXPECT_EQ(GradebookCsv({}), "student,score,max_score,first_finding,submission\r\n");
}

}  // namespace
}  // namespace lab::grader
