// Saving and loading SubmissionResult. See result_store.h.
#include "result_store.h"

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lab/report.h"

namespace lab::grader {
namespace {

using Json = nlohmann::ordered_json;
constexpr const char* kRecord = "lab-submission-v1";

Json Findings(const std::vector<Finding>& fs) {
  return Json::parse(FindingsToJson(fs, false))["findings"];
}

bool LoadFindings(const Json& arr, std::vector<Finding>* out) {
  if (!arr.is_array()) return false;
  Json doc;
  doc["findings"] = arr;
  return FindingsFromJson(doc.dump(), out);
}

template <class T>
bool Get(const Json& j, const char* key, T* out) {
  auto it = j.find(key);
  if (it == j.end()) return false;
  try {
    *out = it->get<T>();
  } catch (const Json::exception&) {
    return false;
  }
  return true;
}

}  // namespace

std::string SubmissionResultToJson(const SubmissionResult& r) {
  Json doc;
  doc["record"] = kRecord;
  doc["puzzle"] = r.puzzle;
  doc["student"] = r.student;
  doc["submission"] = r.submission;
  doc["source_name"] = r.source_name;
  doc["status"] = std::string(StatusName(r.status));
  doc["message"] = r.message;
  doc["compile_log"] = r.compile_log;
  doc["tsan"] = r.tsan;
  doc["incomplete"] = r.incomplete;
  doc["compile_seconds"] = r.compile_seconds;
  doc["run_seconds"] = r.run_seconds;
  Json scenarios = Json::array();
  for (const ScenarioResult& s : r.scenarios) {
    Json j;
    j["name"] = s.info.name;
    j["points"] = s.info.points;
    j["description"] = s.info.description;
    j["findings"] = Findings(s.findings);
    j["stress_findings"] = Findings(s.stress_findings);
    j["summary"] = s.summary;
    j["output"] = s.output;
    j["seconds"] = s.seconds;
    scenarios.push_back(std::move(j));
  }
  doc["scenarios"] = std::move(scenarios);
  return doc.dump(1, ' ', false, Json::error_handler_t::replace) + "\n";
}

bool SubmissionResultFromJson(std::string_view json, SubmissionResult* out) {
  const Json doc = Json::parse(json, nullptr, false);
  if (!doc.is_object()) return false;
  std::string record, status;
  SubmissionResult r;
  if (!Get(doc, "record", &record) || record != kRecord || !Get(doc, "puzzle", &r.puzzle) ||
      !Get(doc, "student", &r.student) || !Get(doc, "submission", &r.submission) ||
      !Get(doc, "source_name", &r.source_name) || !Get(doc, "status", &status) ||
      !Get(doc, "message", &r.message) || !Get(doc, "compile_log", &r.compile_log) ||
      !Get(doc, "tsan", &r.tsan) || !Get(doc, "incomplete", &r.incomplete) ||
      !Get(doc, "compile_seconds", &r.compile_seconds) ||
      !Get(doc, "run_seconds", &r.run_seconds)) {
    return false;
  }
  bool known = false;
  for (SubmissionStatus s : {SubmissionStatus::kGraded, SubmissionStatus::kCompileError,
                             SubmissionStatus::kRejected}) {
    if (StatusName(s) == status) {
      r.status = s;
      known = true;
    }
  }
  auto scenarios = doc.find("scenarios");
  if (!known || scenarios == doc.end() || !scenarios->is_array()) return false;
  for (const Json& j : *scenarios) {
    ScenarioResult s;
    if (!j.is_object() || !Get(j, "name", &s.info.name) || !Get(j, "points", &s.info.points) ||
        !Get(j, "description", &s.info.description) || !Get(j, "summary", &s.summary) ||
        !Get(j, "output", &s.output) || !Get(j, "seconds", &s.seconds) ||
        !j.contains("findings") || !LoadFindings(j["findings"], &s.findings) ||
        !j.contains("stress_findings") || !LoadFindings(j["stress_findings"], &s.stress_findings)) {
      return false;
    }
    r.scenarios.push_back(std::move(s));
  }
  *out = std::move(r);
  return true;
}

}  // namespace lab::grader
