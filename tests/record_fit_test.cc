// record_fit_test.cc — a scenario's completion record stays within what the grader reads
// of the result channel (harness/spec/record_fit.h). A public h2o that moves
// std::unique_locks between threads made 22 findings with 400-step traces in one scenario:
// a 1.3 MB record, cut at the grader's 1 MiB, graded as a `crash` ("not the lab's").
#include "record_fit.h"

#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

namespace {

using lab::record_fit::FitRecord;
using lab::record_fit::kRecordBudget;

nlohmann::json Finding(const std::string& id, int steps) {
  nlohmann::json f = {{"id", id}, {"message", id + " at x.cpp:7"}, {"sites", {"x.cpp:7"}}};
  nlohmann::json events = nlohmann::json::array();
  for (int i = 0; i < steps; ++i) {
    events.push_back({{"thread", i % 15},
                      {"op", "lock"},
                      {"object", "std::mutex@h2o.cpp:7"},
                      {"site", "/tmp/lab-xxxxxx/build/h2o_unique_lock_move.cpp:17"},
                      {"preempted", false},
                      {"vtime_ns", 0},
                      {"note", ""}});
  }
  f["trace"] = {{"threads", nlohmann::json::array()}, {"events", events}};
  return f;
}

nlohmann::json Record(int findings, int steps) {
  nlohmann::json r = {{"record", "lab-scenario-v1"}, {"completed", true}, {"summary", "s"}};
  r["findings"] = nlohmann::json::array();
  for (int i = 0; i < findings; ++i) {
    r["findings"].push_back(Finding(i % 3 == 0 ? "unlock-not-owner" : "data-race", steps));
  }
  r["stress_findings"] = nlohmann::json::array();
  return r;
}

TEST(RecordFit, ManyFindingsWithLongTracesFitAndTheFirstKeepsItsTrace) {
  nlohmann::json r = Record(22, 400);
  ASSERT_GT(r.dump().size(), std::size_t{1} << 20);  // what the grader cut
  const std::size_t size = FitRecord(r);
  EXPECT_LE(size, kRecordBudget);
  EXPECT_EQ(size, r.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).size());
  ASSERT_EQ(r["findings"].size(), 22u);  // traces go first: every finding stays
  EXPECT_TRUE(r["findings"][0].contains("trace"));
  EXPECT_EQ(r["findings"][0]["trace"]["events"].size(), 400u);
  EXPECT_FALSE(r["findings"][21].contains("trace"));
  EXPECT_EQ(r["findings"][21]["id"], "unlock-not-owner");
}

TEST(RecordFit, ARecordWithinTheBudgetIsLeftAlone) {
  nlohmann::json r = Record(3, 400);
  const nlohmann::json before = r;
  FitRecord(r);
  EXPECT_EQ(r, before);
}

TEST(RecordFit, TooManyFindingsEvenWithoutTracesKeepTheFirst) {
  nlohmann::json r = Record(3, 0);
  for (int i = 0; i < 20000; ++i) r["findings"].push_back(Finding("data-race", 0));
  const std::size_t size = FitRecord(r, 64u << 10);
  EXPECT_LE(size, 64u << 10);
  ASSERT_FALSE(r["findings"].empty());
  EXPECT_EQ(r["findings"][0]["id"], "unlock-not-owner");
}

}  // namespace
