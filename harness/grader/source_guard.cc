// What a submission's preprocessor directives may do to the spec. See source_guard.h.
//
// The scan works on the text with line splices removed and matches directive shapes
// anywhere, not only where a directive may begin: a string that merely looks like
// `#define x` adds a harmless save/restore of `x`, while a lexer that misread a raw string
// or a comment could miss a real directive. Refusals, which must not hit a correct
// solution, look only at directives that begin a line.
#include "source_guard.h"

#include <algorithm>
#include <cctype>
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

// `t` with comments and the insides of string and character literals blanked (newlines
// kept), for checks that must not fire on prose: "asm" in a comment is not an asm label.
std::string CodeOnly(const std::string& t) {
  std::string c = t;
  const auto blank = [&c](std::size_t from, std::size_t to) {
    for (std::size_t k = from; k < to && k < c.size(); ++k) {
      if (c[k] != '\n') c[k] = ' ';
    }
  };
  std::size_t i = 0;
  while (i < t.size()) {
    if (t.compare(i, 2, "//") == 0) {
      const std::size_t end = std::min(t.find('\n', i), t.size());
      blank(i, end);
      i = end;
    } else if (t.compare(i, 2, "/*") == 0) {
      const std::size_t end = std::min(t.find("*/", i + 2), t.size());
      blank(i, end + 2);
      i = end + 2;
    } else if (t[i] >= '0' && t[i] <= '9') {  // a pp-number, digit separators included
      while (i < t.size() && (IdentChar(t[i]) || t[i] == '.' || t[i] == '\'' ||
                              ((t[i] == '+' || t[i] == '-') &&
                               (t[i - 1] == 'e' || t[i - 1] == 'E' || t[i - 1] == 'p' ||
                                t[i - 1] == 'P')))) {
        ++i;
      }
    } else if (IdentChar(t[i])) {
      std::size_t j = i;
      while (j < t.size() && IdentChar(t[j])) ++j;
      const std::string_view w = std::string_view(t).substr(i, j - i);
      if (j < t.size() && t[j] == '"' && !w.empty() && w.back() == 'R' &&
          (w == "R" || w == "u8R" || w == "uR" || w == "UR" || w == "LR")) {
        const std::size_t open = t.find('(', j);
        const std::string close =
            ")" + (open == std::string::npos ? std::string() : t.substr(j + 1, open - j - 1)) + "\"";
        const std::size_t end = open == std::string::npos ? t.size() : t.find(close, open);
        const std::size_t stop = end == std::string::npos ? t.size() : end + close.size();
        blank(j + 1, stop - 1);
        i = stop;
      } else {
        i = j;
      }
    } else if (t[i] == '"' || t[i] == '\'') {
      const char q = t[i];
      std::size_t j = i + 1;
      for (; j < t.size() && t[j] != q && t[j] != '\n'; ++j) {
        if (t[j] == '\\') ++j;
      }
      blank(i + 1, j);
      i = j + 1;
    } else {
      ++i;
    }
  }
  return c;
}

std::size_t SkipSpace(const std::string& t, std::size_t i) {
  while (i < t.size()) {
    if (t[i] == '\n' || t[i] == ' ' || t[i] == '\t' || t[i] == '\r' || t[i] == '\f' ||
        t[i] == '\v') {
      ++i;
    } else if (t.compare(i, 2, "/*") == 0) {
      const std::size_t end = t.find("*/", i + 2);
      i = end == std::string::npos ? t.size() : end + 2;
    } else if (t.compare(i, 2, "//") == 0) {
      i = std::min(t.find('\n', i), t.size());
    } else {
      break;
    }
  }
  return i;
}

// Past one or more string literals (with an encoding prefix) from `i`; npos when `i` does
// not start one.
std::size_t SkipStrings(const std::string& t, std::size_t i) {
  bool any = false;
  for (;;) {
    std::size_t j = i;
    while (j < t.size() && (t[j] == 'u' || t[j] == 'U' || t[j] == 'L' || t[j] == '8')) ++j;
    if (j >= t.size() || t[j] != '"') return any ? i : std::string::npos;
    for (++j; j < t.size() && t[j] != '"' && t[j] != '\n'; ++j) {
      if (t[j] == '\\') ++j;
    }
    if (j >= t.size() || t[j] != '"') return std::string::npos;
    any = true;
    i = SkipSpace(t, j + 1);
  }
}

// `asm("name")` at `i` (the keyword): an asm label, which gives the function or variable
// declared before it another symbol name (GCC lets a redeclaration of the spec's
// lab::spec::Fail point it at a no-op of the submission's, even after its first use),
// rather than an asm statement. A statement begins a statement: after ; { } : or else/do,
// or after the ')' of if/while/for/switch. `asm volatile(...)` or an operand list (':') is
// always a statement; any other `asm("...")` counts as a label.
bool IsAsmLabel(const std::string& t, std::size_t i, std::size_t word_end) {
  std::size_t j = SkipSpace(t, word_end);
  if (j >= t.size()) return true;
  if (t[j] != '(') {
    // A qualifier makes a statement; anything else (the end of a #define's line that
    // hides the keyword in a macro) is refused as a label could be.
    const std::string_view q = IdentAt(t, j);
    return q != "volatile" && q != "__volatile__" && q != "__volatile" && q != "goto" &&
           q != "inline" && q != "__inline" && q != "__inline__";
  }
  // The operand: string literals, or in a macro's body anything without an operand list.
  const std::size_t strings = SkipStrings(t, SkipSpace(t, j + 1));
  if (strings == std::string::npos || strings >= t.size() || t[strings] != ')') {
    int depth = 0;
    for (std::size_t k = j; k < t.size(); ++k) {
      if (t[k] == '"') {  // past a string literal (its ':' are not operand separators)
        for (++k; k < t.size() && t[k] != '"' && t[k] != '\n'; ++k) {
          if (t[k] == '\\') ++k;
        }
        continue;
      }
      if (t[k] == '(') ++depth;
      if (t[k] == ')' && --depth == 0) break;
      if (t[k] == ':' && depth == 1) return false;  // an operand list: a statement
    }
  }
  std::size_t p = i;
  while (p > 0 && std::isspace(static_cast<unsigned char>(t[p - 1]))) --p;
  if (p == 0) return false;
  const char prev = t[p - 1];
  if (prev == ';' || prev == '{' || prev == '}' || prev == ':') return false;
  const auto word_before = [&t](std::size_t end) {
    std::size_t b = end;
    while (b > 0 && IdentChar(t[b - 1])) --b;
    return std::string_view(t).substr(b, end - b);
  };
  if (IdentChar(prev)) {
    const std::string_view w = word_before(p);
    return w != "else" && w != "do";
  }
  if (prev != ')') return true;
  int depth = 0;
  std::size_t q = p;
  while (q > 0) {
    --q;
    if (t[q] == ')') ++depth;
    if (t[q] == '(' && --depth == 0) break;
  }
  while (q > 0 && std::isspace(static_cast<unsigned char>(t[q - 1]))) --q;
  const std::string_view w = word_before(q);
  return w != "if" && w != "while" && w != "for" && w != "switch";
}

}  // namespace

SourceScan ScanSource(std::string_view source) {
  SourceScan scan;
  const Spliced sp = Splice(source);
  const std::string& t = sp.text;
  const std::string code = CodeOnly(t);
  std::set<std::string> names;
  for (std::size_t i = 0; i < t.size() && scan.refusal.empty(); ++i) {
    const bool ident_start = IdentChar(t[i]) && (i == 0 || !IdentChar(t[i - 1]));
    if (ident_start) {
      const std::string_view word = IdentAt(t, i);
      if ((word == "asm" || word == "__asm" || word == "__asm__") &&
          code.compare(i, word.size(), word) == 0 && IsAsmLabel(code, i, i + word.size())) {
        scan.refusal = AtLine(sp.line[i]) +
                       "an asm label (asm(\"name\") after a declaration) is not allowed in a "
                       "submission: it gives a function another symbol, the lab's functions "
                       "included; for an asm statement write asm volatile(...)";
      }
      if ((word == "_Pragma" || word == "push_macro" || word == "pop_macro") &&
          code.compare(i, word.size(), word) == 0) {
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
