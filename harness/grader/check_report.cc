// The student's text report. See check_report.h.
#include "check_report.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "lab/report.h"
#include "sandbox.h"

namespace lab::grader {
namespace {

constexpr const char* kGreen = "\x1b[32m";
constexpr const char* kRed = "\x1b[31m";
constexpr const char* kBold = "\x1b[1m";
constexpr const char* kReset = "\x1b[0m";

std::string Paint(const CheckReportStyle& style, const char* code, const std::string& text) {
  return style.color ? code + text + kReset : text;
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", s);
  return buf;
}

std::string Score(double got, double max) { return FormatPoints(got) + "/" + FormatPoints(max); }

// Descriptions and messages come from specs and runs: one line each, no control bytes.
std::string OneLine(std::string_view text) {
  std::string s = CleanOutput(text, 4096);
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::replace(s.begin(), s.end(), '\t', ' ');
  return s;
}

}  // namespace

std::string ShellQuote(std::string_view word) {
  const bool safe = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == '.' || c == '/' || c == ':' || c == '+' || c == '=' ||
           c == ',' || c == '@';
  });
  if (safe) return std::string(word);
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string CheckCommand(std::string_view puzzle, std::string_view file, bool tsan) {
  return "lab check " + ShellQuote(puzzle) + " " + ShellQuote(file) + (tsan ? " --tsan" : "");
}

std::string FormatFailureBlock(const ScenarioResult& s, const CheckReportStyle& style) {
  if (s.passed()) return "";
  std::string out = Paint(style, kRed, "FAIL") + " " + Paint(style, kBold, s.info.name) + " (" +
                    Score(0, s.info.points) + ")";
  if (!s.info.description.empty()) out += ": " + OneLine(s.info.description);
  out += "\n";
  const Finding& first = s.findings.front();
  TextStyle text;
  text.color = style.color;
  out += FormatFindingText(first, text);
  if (!out.ends_with('\n')) out += '\n';
  if (!first.replay.empty() && !style.check_command.empty()) {
    out += Paint(style, kBold, "replay:") + " " + style.check_command + " --replay " +
           ShellQuote(s.info.name + ":" + first.replay) + "\n";
  }
  // An inversion the directed search confirmed: the deadlock itself, in full, beside it.
  const Finding* confirmed = nullptr;
  if (first.deadlock_check == DeadlockCheck::kConfirmed) {
    for (const Finding& f : s.findings) {
      if (f.kind == FindingKind::kDeadlock) {
        confirmed = &f;
        break;
      }
    }
  }
  if (confirmed != nullptr) {
    out += "\n" + FormatFindingText(*confirmed, text);
    if (!out.ends_with('\n')) out += '\n';
    if (!confirmed->replay.empty() && !style.check_command.empty()) {
      out += Paint(style, kBold, "replay:") + " " + style.check_command + " --replay " +
             ShellQuote(s.info.name + ":" + confirmed->replay) + "\n";
    }
  }
  std::vector<std::string> others;
  for (std::size_t i = 1; i < s.findings.size(); ++i) {
    if (&s.findings[i] == confirmed) continue;
    const std::string id(s.findings[i].id());
    if (id != first.id() && (confirmed == nullptr || id != confirmed->id()) &&
        std::find(others.begin(), others.end(), id) == others.end()) {
      others.push_back(id);
    }
  }
  if (!others.empty()) {
    out += "also found in this scenario:";
    for (const std::string& id : others) out += " " + id;
    out += " (lab explain <id>)\n";
  }
  if (!s.output.empty()) out += s.output;
  return out;
}

std::string FormatCheckReport(const SubmissionResult& r, const CheckReportStyle& style) {
  std::string out;
  const std::string file = r.source_name.empty() ? r.submission : r.source_name;
  if (style.replay && !r.scenarios.empty()) {
    out += "Replaying scenario " + r.scenarios.front().info.name + " of puzzle " + r.puzzle +
           " on " + file + " (schedule " + style.replay_token + ")\n\n";
  } else {
    out += "Checking " + file + " against puzzle " + r.puzzle + " (" +
           std::to_string(r.scenarios.size()) +
           (r.scenarios.size() == 1 ? " scenario" : " scenarios") + ")\n\n";
  }

  if (r.status != SubmissionStatus::kGraded) {
    out += Paint(style, kRed, r.status == SubmissionStatus::kCompileError
                                  ? "The submission did not compile:"
                                  : "The submission could not be graded:");
    out += "\n";
    out += r.message;
    if (!r.message.empty() && !r.message.ends_with('\n')) out += '\n';
    out += "\nscore: " + Score(0, r.max_score()) + "\n";
    return out;
  }

  std::size_t name_w = 0, score_w = 0;
  for (const ScenarioResult& s : r.scenarios) {
    name_w = std::max(name_w, s.info.name.size());
    score_w = std::max(score_w, Score(s.score(), s.info.points).size());
  }
  for (const ScenarioResult& s : r.scenarios) {
    const std::string verdict = s.passed() ? Paint(style, kGreen, "PASS") : Paint(style, kRed, "FAIL");
    std::string name = s.info.name;
    name.resize(name_w, ' ');
    std::string score = Score(s.score(), s.info.points);
    score.insert(0, score_w - score.size(), ' ');
    std::string line = "  " + verdict + "  " + name + "  " + score;
    if (!s.info.description.empty()) line += "  " + OneLine(s.info.description);
    out += line + "\n";
  }
  for (const ScenarioResult& s : r.scenarios) {
    if (!s.passed()) out += "\n" + FormatFailureBlock(s, style);
  }
  bool any_note = false;
  for (const ScenarioResult& s : r.scenarios) {
    for (const Finding& f : s.stress_findings) {
      out += (any_note ? "" : "\n") + std::string("note: ") + s.info.name +
             ": a real parallel (stress) run reported " + std::string(f.id()) + ": " +
             OneLine(f.message) + " (not graded: stress runs cannot be replayed)\n";
      any_note = true;
    }
  }
  out += "\n";
  if (style.replay) {
    out += "replayed in " + Seconds(r.run_seconds) + "\n";
  } else {
    out += "compiled in " + Seconds(r.compile_seconds) + "; ran " +
           std::to_string(r.scenarios.size()) +
           (r.scenarios.size() == 1 ? " scenario" : " scenarios") + " in " + Seconds(r.run_seconds) +
           "\n";
  }
  out += Paint(style, kBold, "score: " + Score(r.score(), r.max_score())) + "\n";
  return out;
}

}  // namespace lab::grader
