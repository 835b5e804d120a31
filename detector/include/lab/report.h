// lab/report.h — writers for findings: human text and JSON.
//
// Writers only format; what a finding says was decided by the analysis that built it.
// Text goes to terminals and `lab check`; JSON is the document of LAB_REPORT=<path> and
// the record a graded child sends to the grader (it parses back losslessly).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lab/finding.h"

namespace lab {

struct TextStyle {
  bool color = false;        // ANSI colours (only when the stream is a terminal)
  bool explanation = true;   // include the teaching text
  bool trace = true;         // include the interleaving table
  int trace_tail = 40;       // at most this many trace rows (the last ones)
};

// One finding as a readable block: title and id, message, steps (cycle as a path with the
// thread and site of every edge), objects, explanation, interleaving, replay token.
std::string FormatFindingText(const Finding& f, const TextStyle& style = {});
// The interleaving as per-thread columns, one row per operation, preemptions marked.
std::string FormatTraceText(const Trace& t, int tail = 40);
// A trace whose std:: objects without a name of their own ("std::mutex@fizzbuzz.cpp:12",
// by standard type and first use site) carry short labels instead ("mutex@12"), and one
// legend line per label ("mutex@12 = the std::mutex first used at fizzbuzz.cpp:12"), in
// order of first appearance; racing plain memory named by size shows as "4 bytes". Other
// names are kept. The text table and the HTML lanes both
// show these labels.
struct TraceLabels {
  Trace trace;
  std::vector<std::string> legend;
};
TraceLabels LabelTraceObjects(const Trace& trace);
// Basename of a path ("dir/fizzbuzz.cpp" -> "fizzbuzz.cpp").
std::string_view SiteBasename(std::string_view file);
// "fizzbuzz.cpp:14" (basename), or "?" when unknown.
std::string FormatSite(const SourceSite& s);

// JSON: {"findings":[{...}]}; field names: id, message, explanation, threads, sites
// (["file:line"]), objects, steps, replay, trace, scenario.
std::string FindingsToJson(const std::vector<Finding>& findings, bool pretty = true);
// One finding as a JSON object (same fields).
std::string FindingToJson(const Finding& f, bool pretty = false);
// Parses what FindingsToJson wrote. Returns false (and leaves `out` untouched) on
// malformed input; an unknown id is malformed.
bool FindingsFromJson(std::string_view json, std::vector<Finding>* out);

}  // namespace lab
