// The CSV gradebook. See gradebook.h.
#include "gradebook.h"

#include <algorithm>
#include <string>
#include <vector>

#include "names.h"

namespace lab::grader {
namespace {

void Row(const std::vector<std::string>& fields, std::string* out) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) *out += ',';
    *out += CsvField(fields[i]);
  }
  *out += "\r\n";
}

}  // namespace

std::string GradebookCsv(const std::vector<SubmissionResult>& results) {
  // Columns: the union of scenario names, in order of first appearance.
  std::vector<std::string> columns;
  for (const SubmissionResult& r : results) {
    for (const ScenarioResult& s : r.scenarios) {
      if (std::find(columns.begin(), columns.end(), s.info.name) == columns.end()) {
        columns.push_back(s.info.name);
      }
    }
  }
  std::string out;
  std::vector<std::string> header = {"student", "score", "max_score"};
  header.insert(header.end(), columns.begin(), columns.end());
  header.push_back("first_finding");
  header.push_back("submission");
  Row(header, &out);
  for (const SubmissionResult& r : results) {
    std::vector<std::string> row = {r.student.empty() ? r.source_name : r.student,
                                    FormatPoints(r.score()), FormatPoints(r.max_score())};
    for (const std::string& c : columns) {
      std::string cell;
      for (const ScenarioResult& s : r.scenarios) {
        if (s.info.name == c) cell = FormatPoints(s.score());
      }
      row.push_back(cell);
    }
    // A submission the grader could not take as handed in (two .cpp files, a .cc, an
    // empty folder) is "rejected", as the console says, not the compile-error finding its
    // scenarios carry.
    const Finding* f = r.first_finding();
    row.push_back(r.status == SubmissionStatus::kRejected ? std::string(StatusName(r.status))
                  : f != nullptr                          ? std::string(f->id())
                                                          : "");
    row.push_back(r.submission);
    Row(row, &out);
  }
  return out;
}

}  // namespace lab::grader
