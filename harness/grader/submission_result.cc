// The grading outcome model. See submission_result.h.
#include "submission_result.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace lab::grader {

std::string_view StatusName(SubmissionStatus s) {
  switch (s) {
    case SubmissionStatus::kGraded:
      return "graded";
    case SubmissionStatus::kCompileError:
      return "compile-error";
    case SubmissionStatus::kRejected:
      return "rejected";
  }
  return "graded";
}

double SubmissionResult::score() const {
  double s = 0;
  for (const ScenarioResult& r : scenarios) s += r.score();
  return s;
}

double SubmissionResult::max_score() const {
  double s = 0;
  for (const ScenarioResult& r : scenarios) s += r.info.points;
  return s;
}

bool SubmissionResult::all_passed() const {
  return status == SubmissionStatus::kGraded &&
         std::all_of(scenarios.begin(), scenarios.end(),
                     [](const ScenarioResult& r) { return r.passed(); });
}

const Finding* SubmissionResult::first_finding() const {
  for (const ScenarioResult& r : scenarios) {
    if (!r.findings.empty()) return &r.findings.front();
  }
  return nullptr;
}

std::vector<std::string> SubmissionResult::finding_ids() const {
  std::vector<std::string> ids;
  for (const ScenarioResult& r : scenarios) {
    for (const Finding& f : r.findings) {
      const std::string id(f.id());
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
  }
  return ids;
}

std::string FormatPoints(double points) {
  if (!std::isfinite(points)) return "0";
  const double rounded = std::round(points);
  char buf[32];
  if (std::fabs(points - rounded) < 1e-9) {
    std::snprintf(buf, sizeof buf, "%.0f", rounded);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f", points);
    std::string s = buf;
    while (s.back() == '0') s.pop_back();
    return s;
  }
  return buf;
}

}  // namespace lab::grader
