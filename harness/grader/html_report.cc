// The HTML report. See html_report.h.
#include "html_report.h"

#include <string>

#include "check_report.h"
#include "junit.h"

namespace lab::grader {
namespace {

constexpr const char* kStyle =
    "body{font-family:system-ui,sans-serif;margin:2em;max-width:70em;color:#222}"
    "table{border-collapse:collapse}td,th{padding:.3em .8em;border-bottom:1px solid #ddd;"
    "text-align:left}.pass{color:#176f2c;font-weight:bold}.fail{color:#b3261e;font-weight:bold}"
    "pre{background:#f6f6f6;padding:1em;overflow-x:auto;line-height:1.3}";

}  // namespace

std::string HtmlReport(const SubmissionResult& r, const std::string& check_command) {
  const std::string file = r.source_name.empty() ? r.submission : r.source_name;
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<title>" + XmlEscape("lab check " + r.puzzle + " " + file) + "</title>\n";
  out += "<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";
  out += "<h1>" + XmlEscape(r.puzzle) + ": " + XmlEscape(file) + "</h1>\n";
  out += "<p>Score: <strong>" + FormatPoints(r.score()) + "/" + FormatPoints(r.max_score()) +
         "</strong></p>\n";
  if (r.status != SubmissionStatus::kGraded) {
    out += std::string("<h2>") +
           (r.status == SubmissionStatus::kCompileError ? "The submission did not compile"
                                                        : "The submission could not be graded") +
           "</h2>\n<pre>" + XmlEscape(r.message) + "</pre>\n";
  }
  out += "<table>\n<tr><th>result</th><th>scenario</th><th>points</th><th>description</th></tr>\n";
  for (const ScenarioResult& s : r.scenarios) {
    out += std::string("<tr><td class=\"") + (s.passed() ? "pass\">PASS" : "fail\">FAIL") +
           "</td><td>" + XmlEscape(s.info.name) + "</td><td>" + FormatPoints(s.score()) + "/" +
           FormatPoints(s.info.points) + "</td><td>" + XmlEscape(s.info.description) + "</td></tr>\n";
  }
  out += "</table>\n";
  CheckReportStyle style;
  style.check_command = check_command;
  for (const ScenarioResult& s : r.scenarios) {
    if (s.passed() || r.status != SubmissionStatus::kGraded) continue;
    out += "<h2 id=\"" + XmlEscape(s.info.name) + "\">" + XmlEscape(s.info.name) + "</h2>\n";
    out += "<pre>" + XmlEscape(FormatFailureBlock(s, style)) + "</pre>\n";
  }
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace lab::grader
