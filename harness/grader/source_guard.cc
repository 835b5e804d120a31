// What a submission's preprocessor directives may do to the spec. See source_guard.h.
//
// The scan works on the text with line splices removed and matches directive shapes
// anywhere, not only where a directive may begin: a string that merely looks like
// `#define x` adds a harmless save/restore of `x`, while a lexer that misread a raw string
// or a comment could miss a real directive. Refusals, which must not hit a correct
// solution, look only at directives that begin a line.
#include "source_guard.h"

#include <algorithm>
#include <set>
#include <string>

namespace lab::grader {
namespace {

bool IdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '$' || static_cast<unsigned char>(c) >= 0x80 || c == '\\';
}

// Phase 2: a backslash, optional blanks (GCC accepts them, with a warning), a newline.
struct Spliced {
  std::string text;
  std::vector<int> line;  // the physical line (1-based) of each character of text
};

Spliced Splice(std::string_view s) {
  Spliced out;
  out.text.reserve(s.size());
  out.line.reserve(s.size());
  int line = 1;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\') {
      std::size_t j = i + 1;
      while (j < s.size() && (s[j] == ' ' || s[j] == '\t' || s[j] == '\f' || s[j] == '\v')) ++j;
      if (j < s.size() && s[j] == '\r' && j + 1 < s.size() && s[j + 1] == '\n') ++j;
      if (j < s.size() && s[j] == '\n') {
        ++line;
        i = j;
        continue;
      }
    }
    out.text.push_back(s[i]);
    out.line.push_back(line);
    if (s[i] == '\n') ++line;
  }
  return out;
}

// Past blanks and block comments (which may hold newlines: a comment is one space).
std::size_t SkipGap(const std::string& t, std::size_t i) {
  while (i < t.size()) {
    const char c = t[i];
    if (c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r') {
      ++i;
    } else if (c == '/' && i + 1 < t.size() && t[i + 1] == '*') {
      const std::size_t end = t.find("*/", i + 2);
      if (end == std::string::npos) return t.size();
      i = end + 2;
    } else {
      break;
    }
  }
  return i;
}

std::string_view IdentAt(const std::string& t, std::size_t i) {
  std::size_t j = i;
  while (j < t.size() && IdentChar(t[j])) ++j;
  return std::string_view(t).substr(i, j - i);
}

// True when only blanks and comments come before `i` on its line (conservatively: what
// follows the line's last "*/" is blank).
bool BeginsLine(const std::string& t, std::size_t i) {
  const std::size_t nl = i == 0 ? std::string::npos : t.rfind('\n', i - 1);
  std::size_t from = nl == std::string::npos ? 0 : nl + 1;
  const std::string_view prefix = std::string_view(t).substr(from, i - from);
  const std::size_t close = prefix.rfind("*/");
  const std::string_view rest = close == std::string_view::npos ? prefix : prefix.substr(close + 2);
  return rest.find_first_not_of(" \t\f\v\r") == std::string_view::npos;
}

bool PlainAscii(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Names no program can #define, which #undef would turn into an error of our own.
bool Reserved(std::string_view name) {
  static const std::set<std::string_view> kNames = {
      "defined", "__has_include", "__has_include_next", "__has_cpp_attribute",
      "__has_attribute", "__has_builtin", "__VA_ARGS__", "__VA_OPT__"};
  return kNames.count(name) != 0;
}

std::string AtLine(int line) { return "line " + std::to_string(line) + ": "; }

}  // namespace

SourceScan ScanSource(std::string_view source) {
  SourceScan scan;
  const Spliced sp = Splice(source);
  const std::string& t = sp.text;
  std::set<std::string> names;
  for (std::size_t i = 0; i < t.size() && scan.refusal.empty(); ++i) {
    const bool ident_start = IdentChar(t[i]) && (i == 0 || !IdentChar(t[i - 1]));
    if (ident_start) {
      const std::string_view word = IdentAt(t, i);
      if (word == "_Pragma" || word == "push_macro" || word == "pop_macro") {
        scan.refusal = AtLine(sp.line[i]) + "'" + std::string(word) +
                       "' is not allowed in a submission: the grader saves and restores the "
                       "macros a submission defines, so that none of them can change the "
                       "puzzle's checks; remove it";
      }
      i += word.size() - 1;
      continue;
    }
    std::size_t after;
    if (t[i] == '#') {
      after = i + 1;
    } else if (t[i] == '%' && i + 1 < t.size() && t[i + 1] == ':') {
      after = i + 2;  // the digraph of '#'
    } else {
      continue;
    }
    const std::size_t k = SkipGap(t, after);
    if (k >= t.size()) break;
    const std::string_view directive = IdentAt(t, k);
    if (directive == "define" || directive == "undef") {
      const std::size_t n = SkipGap(t, k + directive.size());
      const std::string_view name = IdentAt(t, n);
      if (PlainAscii(name) && !Reserved(name)) names.emplace(name);
    } else if ((directive == "line" || (t[k] >= '0' && t[k] <= '9')) && BeginsLine(t, i)) {
      scan.refusal = AtLine(sp.line[i]) +
                     "'#line' and line markers are not allowed in a submission: they make its "
                     "lines pass for another file's (the puzzle's spec, which the lab does not "
                     "check); remove the line";
    }
  }
  if (scan.refusal.empty()) scan.macro_names.assign(names.begin(), names.end());
  return scan;
}

std::string MacroSaveText(const std::vector<std::string>& names) {
  std::string s;
  for (const std::string& n : names) s += "#pragma push_macro(\"" + n + "\")\n";
  return s;
}

std::string MacroRestoreText(const std::vector<std::string>& names) {
  std::string s;
  for (const std::string& n : names) s += "#undef " + n + "\n#pragma pop_macro(\"" + n + "\")\n";
  return s;
}

}  // namespace lab::grader
