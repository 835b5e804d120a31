// Tests of Gradescope results.json (harness/grader/results_json.h): the schema's fields,
// scores, per-test output with the replay command, extra_data, and robustness to the bytes a
// student's program can produce.
#include "results_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "sample_results.h"

namespace lab::grader {
namespace {

using nlohmann::json;

json Parse(const SubmissionResult& r) {
  const std::string text = ResultsJson(r);
  EXPECT_TRUE(json::accept(text)) << text;
  return json::parse(text);
}

TEST(ResultsJson, TopLevelFieldsOfGradescopesSchema) {
  const json j = Parse(testing::GradedSample());
  EXPECT_EQ(j["score"], 3);
  EXPECT_EQ(j["max_score"], 5);
  EXPECT_TRUE(j["score"].is_number_integer()) << "whole points are written as integers";
  EXPECT_DOUBLE_EQ(j["execution_time"].get<double>(), 1.75);
  EXPECT_EQ(j["visibility"], "visible");
  EXPECT_EQ(j["stdout_visibility"], "visible");
  EXPECT_TRUE(j["output"].is_string());
  EXPECT_NE(j["output"].get<std::string>().find("score 3/5"), std::string::npos);
  ASSERT_TRUE(j["tests"].is_array());
  ASSERT_EQ(j["tests"].size(), 2u);
}

TEST(ResultsJson, OneTestPerScenarioWithStatusAndPoints) {
  const json j = Parse(testing::GradedSample());
  const json& pass = j["tests"][0];
  EXPECT_EQ(pass["name"], "two_adders");
  EXPECT_EQ(pass["score"], 3);
  EXPECT_EQ(pass["max_score"], 3);
  EXPECT_EQ(pass["status"], "passed");
  EXPECT_EQ(pass["visibility"], "visible");
  EXPECT_EQ(pass["output"], "two threads add 3 times each\npassed: 80 schedules, no bug found\n");

  const json& fail = j["tests"][1];
  EXPECT_EQ(fail["name"], "racy");
  EXPECT_EQ(fail["score"], 0);
  EXPECT_EQ(fail["max_score"], 2);
  EXPECT_EQ(fail["status"], "failed");
  const std::string out = fail["output"];
  EXPECT_EQ(out.rfind("a reader next to a writer\n\nFAIL racy (0/2)", 0), 0u) << out;
  EXPECT_NE(out.find("data-race"), std::string::npos);
  EXPECT_NE(out.find("mini.cpp:8"), std::string::npos);
  EXPECT_NE(out.find("replay: lab check mini mini.cpp --replay racy:v1.pct.1.3.0.s\n"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << "no colour in results.json";
}

// A result built with ThreadSanitizer (lab grade --tsan) replays with --tsan: the default
// build's schedules are not that binary's.
TEST(ResultsJson, ATsanResultsReplayCommandKeepsTsan) {
  SubmissionResult r = testing::GradedSample();
  r.tsan = true;
  const json j = Parse(r);
  const std::string out = j["tests"][1]["output"];
  EXPECT_NE(out.find("replay: lab check mini mini.cpp --tsan --replay racy:v1.pct.1.3.0.s\n"),
            std::string::npos)
      << out;
  EXPECT_EQ(j["extra_data"]["tsan"], true);
}

TEST(ResultsJson, ExtraDataHoldsFindingsAndCompileLog) {
  const json j = Parse(testing::GradedSample());
  const json& extra = j["extra_data"];
  EXPECT_EQ(extra["lab_version"], std::string(kLabVersion));
  EXPECT_EQ(extra["puzzle"], "mini");
  EXPECT_EQ(extra["student"], "alice");
  EXPECT_EQ(extra["submission"], "mini.cpp");
  EXPECT_EQ(extra["status"], "graded");
  EXPECT_EQ(extra["tsan"], false);
  ASSERT_EQ(extra["findings"].size(), 1u);
  EXPECT_EQ(extra["findings"][0]["id"], "data-race");
  EXPECT_EQ(extra["findings"][0]["scenario"], "racy");
  EXPECT_EQ(extra["findings"][0]["replay"], "v1.pct.1.3.0.s");
  EXPECT_TRUE(extra["stress_findings"].is_array());
  EXPECT_TRUE(extra.contains("compile_log"));
}

TEST(ResultsJson, CompileErrorFailsEveryTestAndShowsTheDiagnostics) {
  const json j = Parse(testing::CompileErrorSample());
  EXPECT_EQ(j["score"], 0);
  EXPECT_EQ(j["max_score"], 5);
  for (const json& t : j["tests"]) {
    EXPECT_EQ(t["status"], "failed");
    EXPECT_EQ(t["score"], 0);
    EXPECT_NE(t["output"].get<std::string>().find("compile-error"), std::string::npos);
  }
  EXPECT_NE(j["output"].get<std::string>().find("bob.cpp:5:24: error"), std::string::npos);
  EXPECT_EQ(j["extra_data"]["status"], "compile-error");
  EXPECT_NE(j["extra_data"]["compile_log"].get<std::string>().find("In member function"),
            std::string::npos);
}

TEST(ResultsJson, FractionalPointsStayFractional) {
  SubmissionResult r = testing::GradedSample();
  r.scenarios[0].info.points = 2.5;
  const json j = Parse(r);
  EXPECT_DOUBLE_EQ(j["score"].get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(j["max_score"].get<double>(), 4.5);
}

TEST(ResultsJson, InvalidUtf8AndControlBytesStillMakeValidJson) {
  SubmissionResult r = testing::GradedSample();
  r.scenarios[1].findings[0].message = std::string("bad \xff\xfe bytes \x01 and \"quotes\"");
  r.scenarios[1].output = std::string("stderr (last lines):\n  \xc3\x28 \x1b[31mred\n");
  r.compile_log = std::string("\x80\x81", 2);
  const std::string text = ResultsJson(r);
  ASSERT_TRUE(json::accept(text)) << text;
  const json j = json::parse(text);
  EXPECT_NE(j["tests"][1]["output"].get<std::string>().find("\"quotes\""), std::string::npos);
}

}  // namespace
}  // namespace lab::grader
