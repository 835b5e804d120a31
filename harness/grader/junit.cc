// JUnit XML. See junit.h.
#include "junit.h"

#include <cstdio>
#include <string>

#include "check_report.h"
#include "sandbox.h"

namespace lab::grader {
namespace {

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s < 0 ? 0.0 : s);
  return buf;
}

std::string Attr(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=\"" + XmlEscape(value) + "\"";
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  // CleanOutput leaves valid UTF-8 with no C0/C1 controls but \n and \t, and no escapes.
  const std::string clean = CleanOutput(text, 3 * text.size() + 64);
  std::string out;
  out.reserve(clean.size());
  for (std::size_t i = 0; i < clean.size(); ++i) {
    const char c = clean[i];
    // U+FFFE and U+FFFF (EF BF BE / EF BF BF) are not XML characters.
    if (static_cast<unsigned char>(c) == 0xEF && i + 2 < clean.size() &&
        static_cast<unsigned char>(clean[i + 1]) == 0xBF &&
        (static_cast<unsigned char>(clean[i + 2]) & 0xFE) == 0xBE) {
      i += 2;
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string JunitXml(const std::vector<SubmissionResult>& results, std::string_view name) {
  std::size_t tests = 0, failures = 0;
  double total_time = 0;
  for (const SubmissionResult& r : results) {
    tests += r.scenarios.size();
    for (const ScenarioResult& s : r.scenarios) failures += s.passed() ? 0 : 1;
    total_time += r.compile_seconds + r.run_seconds;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites" + Attr("name", name) + Attr("tests", std::to_string(tests)) +
         Attr("failures", std::to_string(failures)) + Attr("errors", "0") +
         Attr("time", Seconds(total_time)) + ">\n";
  for (const SubmissionResult& r : results) {
    const std::string suite = r.student.empty() ? r.source_name : r.student;
    std::size_t fails = 0;
    for (const ScenarioResult& s : r.scenarios) fails += s.passed() ? 0 : 1;
    out += "  <testsuite" + Attr("name", suite) + Attr("tests", std::to_string(r.scenarios.size())) +
           Attr("failures", std::to_string(fails)) + Attr("errors", "0") + Attr("skipped", "0") +
           Attr("time", Seconds(r.compile_seconds + r.run_seconds)) + ">\n";
    out += "    <properties>\n";
    out += "      <property" + Attr("name", "score") + Attr("value", FormatPoints(r.score())) + "/>\n";
    out += "      <property" + Attr("name", "max_score") + Attr("value", FormatPoints(r.max_score())) +
           "/>\n";
    out += "      <property" + Attr("name", "status") + Attr("value", StatusName(r.status)) + "/>\n";
    out += "      <property" + Attr("name", "submission") + Attr("value", r.source_name) + "/>\n";
    out += "    </properties>\n";
    const std::string classname = r.puzzle + "." + suite;
    CheckReportStyle style;
    style.check_command = CheckCommand(r.puzzle, r.source_name, r.tsan);
    for (const ScenarioResult& s : r.scenarios) {
      out += "    <testcase" + Attr("classname", classname) + Attr("name", s.info.name) +
             Attr("time", Seconds(s.seconds));
      if (s.passed()) {
        out += "/>\n";
        continue;
      }
      const Finding& f = s.findings.front();
      out += ">\n      <failure" + Attr("type", f.id()) + Attr("message", f.message) + ">";
      std::string body = FormatFailureBlock(s, style);
      if (r.status == SubmissionStatus::kCompileError) body += "\n" + r.message;
      out += XmlEscape(body) + "</failure>\n    </testcase>\n";
    }
    if (r.status != SubmissionStatus::kGraded) {
      out += "    <system-out>" + XmlEscape(r.message) + "</system-out>\n";
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace lab::grader
