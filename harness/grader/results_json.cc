// Gradescope results.json. See results_json.h.
#include "results_json.h"

#include <cmath>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "check_report.h"
#include "lab/report.h"

namespace lab::grader {
namespace {

using Json = nlohmann::ordered_json;

Json Points(double p) {
  if (std::isfinite(p) && std::fabs(p - std::round(p)) < 1e-9 && std::fabs(p) < 1e15) {
    return static_cast<std::int64_t>(std::llround(p));
  }
  return std::round(p * 1e6) / 1e6;
}

Json FindingArray(const std::vector<Finding>& findings) {
  Json arr = Json::array();
  for (const Finding& f : findings) arr.push_back(Json::parse(FindingToJson(f)));
  return arr;
}

std::string TestOutput(const SubmissionResult& r, const ScenarioResult& s) {
  std::string out;
  if (!s.info.description.empty()) out += s.info.description + "\n";
  if (s.passed()) {
    out += "passed";
    if (!s.summary.empty()) out += ": " + s.summary;
    out += "\n";
    return out;
  }
  CheckReportStyle style;
  style.check_command = CheckCommand(r.puzzle, r.source_name, r.tsan);
  return out + "\n" + FormatFailureBlock(s, style);
}

std::string Overview(const SubmissionResult& r) {
  const std::string& file = r.source_name.empty() ? r.submission : r.source_name;
  std::string out = "Puzzle " + r.puzzle + ", file " + file + ": score " +
                    FormatPoints(r.score()) + "/" + FormatPoints(r.max_score()) + "\n";
  switch (r.status) {
    case SubmissionStatus::kGraded:
      break;
    case SubmissionStatus::kCompileError:
      out += "\nThe submission did not compile:\n" + r.message;
      break;
    case SubmissionStatus::kRejected:
      out += "\nThe submission could not be graded: " + r.message + "\n";
      break;
  }
  if (r.status == SubmissionStatus::kGraded && !r.all_passed()) {
    out += "Run the replay command of a failing test in your folder to see the same failure.\n";
  }
  return out;
}

}  // namespace

std::string ResultsJson(const SubmissionResult& r) {
  Json doc;
  doc["score"] = Points(r.score());
  doc["max_score"] = Points(r.max_score());
  doc["execution_time"] = std::round((r.compile_seconds + r.run_seconds) * 1000) / 1000;
  doc["output"] = Overview(r);
  doc["visibility"] = "visible";
  doc["stdout_visibility"] = "visible";
  Json tests = Json::array();
  std::vector<Finding> findings, stress;
  for (const ScenarioResult& s : r.scenarios) {
    Json t;
    t["name"] = s.info.name;
    t["score"] = Points(s.score());
    t["max_score"] = Points(s.info.points);
    t["status"] = s.passed() ? "passed" : "failed";
    t["output"] = TestOutput(r, s);
    t["visibility"] = "visible";
    tests.push_back(std::move(t));
    findings.insert(findings.end(), s.findings.begin(), s.findings.end());
    stress.insert(stress.end(), s.stress_findings.begin(), s.stress_findings.end());
  }
  doc["tests"] = std::move(tests);
  Json extra;
  extra["lab_version"] = std::string(kLabVersion);
  extra["puzzle"] = r.puzzle;
  extra["student"] = r.student;
  extra["submission"] = r.source_name;
  extra["status"] = std::string(StatusName(r.status));
  extra["tsan"] = r.tsan;
  extra["findings"] = FindingArray(findings);
  extra["stress_findings"] = FindingArray(stress);
  extra["compile_message"] = r.status == SubmissionStatus::kGraded ? "" : r.message;
  extra["compile_log"] = r.compile_log;
  doc["extra_data"] = std::move(extra);
  return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace lab::grader
