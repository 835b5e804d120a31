// Reading LAB_SCENARIO declarations from a spec's source. See spec_scan.h.
#include "spec_scan.h"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace lab::grader {
namespace {

bool IsIdent(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// Length of the string or character literal starting at s[i] (a quote, or R" for a raw
// string), or 0 when s[i] does not start one.
std::size_t LiteralLength(std::string_view s, std::size_t i) {
  if (s[i] == 'R' && i + 1 < s.size() && s[i + 1] == '"' && (i == 0 || !IsIdent(s[i - 1]) ||
                                                             s[i - 1] == '8' || s[i - 1] == 'u' ||
                                                             s[i - 1] == 'U' || s[i - 1] == 'L')) {
    const std::size_t open = s.find('(', i + 2);
    if (open == std::string_view::npos) return s.size() - i;
    const std::string close = ")" + std::string(s.substr(i + 2, open - i - 2)) + "\"";
    const std::size_t end = s.find(close, open);
    return end == std::string_view::npos ? s.size() - i : end + close.size() - i;
  }
  if (s[i] != '"' && s[i] != '\'') return 0;
  // A digit separator (1'000) is not a character literal.
  if (s[i] == '\'' && i > 0 && std::isxdigit(static_cast<unsigned char>(s[i - 1])) != 0) return 0;
  const char quote = s[i];
  std::size_t j = i + 1;
  while (j < s.size() && s[j] != quote && s[j] != '\n') j += s[j] == '\\' ? 2 : 1;
  return std::min(j + 1, s.size()) - i;
}

// The source with comments replaced by spaces (newlines kept), literals untouched.
std::string StripComments(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    if (const std::size_t n = LiteralLength(s, i); n > 0) {
      out.append(s.substr(i, n));
      i += n;
    } else if (s.substr(i, 2) == "//") {
      while (i < s.size() && s[i] != '\n') {
        out += ' ';
        ++i;
      }
    } else if (s.substr(i, 2) == "/*") {
      const std::size_t end = s.find("*/", i + 2);
      const std::size_t stop = end == std::string_view::npos ? s.size() : end + 2;
      for (; i < stop; ++i) out += s[i] == '\n' ? '\n' : ' ';
    } else {
      out += s[i++];
    }
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) s.remove_suffix(1);
  return s;
}

// Top-level comma-separated arguments of the parenthesis opened at s[open]; false when
// it is never closed.
bool SplitArgs(std::string_view s, std::size_t open, std::vector<std::string_view>* args) {
  int depth = 0;
  std::size_t start = open + 1;
  for (std::size_t i = open; i < s.size();) {
    if (const std::size_t n = LiteralLength(s, i); n > 0) {
      i += n;
      continue;
    }
    const char c = s[i];
    if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      if (--depth == 0) {
        args->push_back(Trim(s.substr(start, i - start)));
        return true;
      }
    } else if (c == ',' && depth == 1) {
      args->push_back(Trim(s.substr(start, i - start)));
      start = i + 1;
    }
    ++i;
  }
  return false;
}

// Adjacent ordinary string literals, decoded; false for anything else.
bool DecodeStrings(std::string_view expr, std::string* out) {
  out->clear();
  std::size_t i = 0;
  bool any = false;
  while (i < expr.size()) {
    if (std::isspace(static_cast<unsigned char>(expr[i])) != 0) {
      ++i;
      continue;
    }
    if (expr[i] != '"') return false;
    any = true;
    ++i;
    while (i < expr.size() && expr[i] != '"') {
      if (expr[i] != '\\') {
        *out += expr[i++];
        continue;
      }
      if (i + 1 >= expr.size()) return false;
      const char e = expr[i + 1];
      i += 2;
      switch (e) {
        case 'n': *out += '\n'; break;
        case 't': *out += '\t'; break;
        case '\\': *out += '\\'; break;
        case '"': *out += '"'; break;
        case '\'': *out += '\''; break;
        default: return false;  // octal, hex, universal names: not worth guessing
      }
    }
    if (i >= expr.size()) return false;
    ++i;  // closing quote
  }
  return any;
}

bool ParseNumber(std::string_view expr, double* out) {
  std::string text(expr);
  std::erase(text, '\'');
  while (!text.empty() && (text.back() == 'f' || text.back() == 'F')) text.pop_back();
  if (text.empty()) return false;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !(v >= 0)) return false;
  *out = v;
  return true;
}

// The budgets a scenario's schedules come from (ScenarioConfig's defaults).
struct Budgets {
  double pct = 150, random = 150, dfs = 0, dpor = 0;
  double total() const { return pct + random + dfs + dpor; }
};

// One designated initialiser ".field = expr" into `info` and `budgets`; false when it cannot
// be read.
bool ApplyField(std::string_view arg, ScenarioInfo* info, Budgets* budgets) {
  if (!arg.starts_with('.')) return false;
  const std::size_t eq = arg.find('=');
  if (eq == std::string_view::npos) return false;
  const std::string_view field = Trim(arg.substr(1, eq - 1));
  const std::string_view expr = Trim(arg.substr(eq + 1));
  if (field == "points") return ParseNumber(expr, &info->points);
  if (field == "description") return DecodeStrings(expr, &info->description);
  if (field == "name") return false;  // the macro sets it; overriding would confuse the runner
  // Budgets only order the runs: one that does not read as a number keeps its default.
  if (field == "pct_schedules") ParseNumber(expr, &budgets->pct);
  if (field == "random_schedules") ParseNumber(expr, &budgets->random);
  if (field == "dfs_schedules") ParseNumber(expr, &budgets->dfs);
  if (field == "dpor_schedules") ParseNumber(expr, &budgets->dpor);
  return true;  // costs, strategies, ...: not the catalog's business
}

bool IsDefineLine(std::string_view s, std::size_t pos) {
  const std::size_t line_start = s.rfind('\n', pos);
  const std::string_view line =
      Trim(s.substr(line_start == std::string_view::npos ? 0 : line_start + 1));
  return line.starts_with('#');
}

}  // namespace

SpecScan ScanSpecScenarios(std::string_view spec_source) {
  const std::string code = StripComments(spec_source);
  const std::string_view s = code;
  constexpr std::string_view kMacro = "LAB_SCENARIO";
  SpecScan scan;
  scan.complete = true;
  std::size_t i = 0;
  while (i < s.size()) {
    if (const std::size_t n = LiteralLength(s, i); n > 0) {
      i += n;
      continue;
    }
    if (!s.substr(i).starts_with(kMacro) || (i > 0 && IsIdent(s[i - 1])) ||
        (i + kMacro.size() < s.size() && IsIdent(s[i + kMacro.size()]))) {
      ++i;
      continue;
    }
    const std::size_t at = i;
    i += kMacro.size();
    if (IsDefineLine(s, at)) continue;
    std::size_t open = i;
    while (open < s.size() && std::isspace(static_cast<unsigned char>(s[open])) != 0) ++open;
    std::vector<std::string_view> args;
    if (open >= s.size() || s[open] != '(' || !SplitArgs(s, open, &args) || args.empty()) {
      scan.complete = false;
      continue;
    }
    ScenarioInfo info;
    info.points = 1;  // ScenarioConfig's default
    const std::string_view name = args[0];
    bool ok = !name.empty() && std::isdigit(static_cast<unsigned char>(name[0])) == 0;
    for (char c : name) ok = ok && IsIdent(c);
    info.name = std::string(name);
    Budgets budgets;
    for (std::size_t k = 1; k < args.size() && ok; ++k) ok = ApplyField(args[k], &info, &budgets);
    if (!ok) scan.complete = false;
    scan.scenarios.push_back(std::move(info));
    scan.schedules.push_back(budgets.total());
  }
  if (scan.scenarios.empty()) scan.complete = false;
  return scan;
}

}  // namespace lab::grader
