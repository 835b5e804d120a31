// What the compiler said, reduced to what concerns the student. See compiler.h
// (TrimDiagnostics, ExplainCompileFailure).
#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compiler.h"
#include "sandbox.h"

namespace lab::grader {
namespace {

constexpr std::size_t kMaxLinesPerGroup = 60;

bool AllDigits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// "<file>:<line>[:<col>]" -> file. Clang names a file found next to its includer
// "./fizzbuzz.cpp": the "./" is dropped so it compares equal to the source name.
bool ParseLocation(std::string_view prefix, std::string_view* file) {
  int stripped = 0;
  for (; stripped < 2; ++stripped) {
    const auto colon = prefix.rfind(':');
    if (colon == std::string_view::npos || !AllDigits(prefix.substr(colon + 1))) break;
    prefix = prefix.substr(0, colon);
  }
  if (stripped == 0 || prefix.empty()) return false;
  if (prefix.starts_with("./") && prefix.size() > 2) prefix.remove_prefix(2);
  *file = prefix;
  return true;
}

enum class LineKind { kContext, kError, kNote, kSnippet };

struct DiagLine {
  std::string text;
  std::string file;  // the location's file; for a snippet, that of the line it illustrates
  LineKind kind;
};

// "<loc>: error: ...", "<loc>: fatal error: ...", "<loc>: warning: ...", "<loc>: note: ...".
bool ParseDiagnostic(std::string_view line, std::string_view* file, LineKind* kind) {
  static constexpr std::array<std::pair<std::string_view, LineKind>, 4> kMarkers = {{
      {": fatal error: ", LineKind::kError},
      {": error: ", LineKind::kError},
      {": warning: ", LineKind::kError},  // only with -Werror-like setups; treated as errors
      {": note: ", LineKind::kNote},
  }};
  std::size_t best = std::string_view::npos;
  for (const auto& [marker, k] : kMarkers) {
    const std::size_t pos = line.find(marker);
    if (pos < best) {
      best = pos;
      *kind = k;
    }
  }
  return best != std::string_view::npos && ParseLocation(line.substr(0, best), file);
}

// GCC's context lines: "f.cpp: In function 'x':", "f.cpp: At global scope:",
// "f.cpp:20:10:   required from here", "f.cpp:5:3:   in 'constexpr' expansion of ...".
bool ParseContext(std::string_view line, std::string_view* file) {
  const std::size_t req = line.find(":   ");
  if (req != std::string_view::npos && ParseLocation(line.substr(0, req), file)) return true;
  for (std::string_view marker :
       {std::string_view(": In "), std::string_view(": At global scope")}) {
    const std::size_t pos = line.find(marker);
    if (pos != std::string_view::npos && pos > 0 && line.back() == ':' &&
        line.substr(0, pos).find(' ') == std::string_view::npos) {
      *file = line.substr(0, pos);
      return true;
    }
  }
  return false;
}

bool IsIncludeChain(std::string_view line) {
  if (line.starts_with("In file included from ")) return true;
  const std::size_t first = line.find_first_not_of(' ');
  return first != std::string_view::npos && first > 0 && line.substr(first).starts_with("from ");
}

bool IsLinkerLine(std::string_view line) {
  return line.starts_with("/usr/bin/ld") || line.starts_with("ld: ") || line.starts_with("ld.") ||
         line.starts_with("collect2") ||
         line.find("undefined reference to") != std::string_view::npos ||
         line.find("multiple definition of") != std::string_view::npos ||
         line.find("linker command failed") != std::string_view::npos;
}

// "/usr/bin/ld: ccAbC123.o: in function `main':" -> "ld: in function `main':".
std::string CleanLinkerLine(std::string_view line) {
  std::string out;
  const std::size_t ld = line.find("ld: ");
  if (ld != std::string_view::npos && line.substr(0, ld).find(' ') == std::string_view::npos) {
    out = "ld: ";
    line.remove_prefix(ld + 4);
  }
  const std::size_t colon = line.find(": ");
  if (colon != std::string_view::npos && line.substr(0, colon).ends_with(".o")) {
    line.remove_prefix(colon + 2);
  }
  out += line;
  return out;
}

void ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
  if (from.empty()) return;
  for (std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) {
    s.replace(pos, from.size(), to);
  }
}

}  // namespace

std::string TrimDiagnostics(std::string_view log, std::string_view source_name,
                            const std::vector<std::string>& strip_prefixes, std::size_t cap) {
  std::string text(log);
  for (const std::string& p : strip_prefixes) ReplaceAll(text, p, "");

  struct Group {
    std::vector<DiagLine> lines;
    bool mentions = false;
  };
  std::vector<Group> groups;
  std::vector<DiagLine> pending;  // context lines waiting for their diagnostic
  std::vector<std::string> linker;
  std::string last_file;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t nl = std::min(text.find('\n', pos), text.size());
    const std::string_view line = std::string_view(text).substr(pos, nl - pos);
    pos = nl + 1;
    std::string_view file;
    LineKind kind = LineKind::kSnippet;
    if (IsIncludeChain(line)) continue;  // the way in is always our wrapper
    if (ParseDiagnostic(line, &file, &kind)) {
      if (kind == LineKind::kError || groups.empty()) groups.emplace_back();
      Group& g = groups.back();
      for (DiagLine& p : pending) g.lines.push_back(std::move(p));
      pending.clear();
      g.lines.push_back({std::string(line), std::string(file), kind});
      last_file = file;
      for (const DiagLine& l : g.lines) g.mentions = g.mentions || l.file == source_name;
      continue;
    }
    if (ParseContext(line, &file)) {
      pending.push_back({std::string(line), std::string(file), LineKind::kContext});
      continue;
    }
    if (IsLinkerLine(line)) {
      linker.emplace_back(line);
      continue;
    }
    if (!groups.empty() && pending.empty() && !line.empty()) {
      groups.back().lines.push_back({std::string(line), last_file, LineKind::kSnippet});
    }
  }

  std::string out;
  for (const Group& g : groups) {
    std::size_t kept = 0;
    for (const DiagLine& l : g.lines) {
      const bool keep = g.mentions ? (l.kind != LineKind::kSnippet || l.file == source_name)
                                   : l.kind == LineKind::kError;
      if (!keep) continue;
      if (++kept > kMaxLinesPerGroup) {
        out += "  [...]\n";
        break;
      }
      out += l.text;
      out += '\n';
    }
  }
  for (const std::string& l : linker) {
    if (l.find("undefined reference") != std::string::npos ||
        l.find("multiple definition") != std::string::npos ||
        l.find("in function") != std::string::npos ||
        l.find("first defined") != std::string::npos) {
      out += CleanLinkerLine(l);
      out += '\n';
    }
  }
  return CleanOutput(out, cap);
}

std::string ExplainCompileFailure(std::string_view log, std::string_view source_name) {
  if (log.find("multiple definition of `main'") != std::string_view::npos ||
      log.find("duplicate symbol: main") != std::string_view::npos) {
    return std::string(source_name) +
           " defines main(). The lab supplies main() and runs your code through the puzzle's "
           "scenarios, so a submission must not have one: remove your main() (or keep it "
           "between #ifndef LAB_GRADING and #endif) and submit again.\n";
  }
  // "<lab>/liblab_std.a(plain_memory.cc.o): in function `...':\n<lab>/plain_memory.cc:348:
  // multiple definition of `operator new(unsigned long)'; ccX.o:<source>:6: first defined
  // here": the submission defines a function the lab defines itself (it stands in for
  // operator new, pthread_*, __tsan_* and its own API to watch the program).
  for (std::size_t at = log.find("multiple definition of `"); at != std::string_view::npos;
       at = log.find("multiple definition of `", at + 1)) {
    const std::size_t name_at = at + std::string_view("multiple definition of `").size();
    const std::size_t name_end = log.find("'; ", name_at);
    const std::size_t eol = std::min(log.find('\n', at), log.size());
    if (name_end == std::string_view::npos || name_end > eol) continue;
    const std::size_t line_start = log.rfind('\n', at);
    const std::size_t prev_start =
        line_start == std::string_view::npos || line_start == 0 ? 0 : log.rfind('\n', line_start - 1);
    const std::string_view context = log.substr(prev_start == std::string_view::npos ? 0 : prev_start,
                                                eol - (prev_start == std::string_view::npos ? 0 : prev_start));
    // "; ccX.o:counter.cpp:6:" or "; /tmp/lab-X/build/ccX.o:/tmp/lab-X/build/counter.cpp:6:"
    const std::string where = std::string(source_name) + ":";
    std::size_t src = log.find(where, name_end);
    while (src != std::string_view::npos && src < eol && log[src - 1] != ':' && log[src - 1] != '/') {
      src = log.find(where, src + 1);
    }
    if (src == std::string_view::npos || src > eol || context.find("/liblab") == std::string_view::npos) {
      continue;
    }
    const std::size_t num_end = log.find(':', src + where.size());
    const std::string_view line_no =
        num_end == std::string_view::npos || num_end > eol ? "" : log.substr(src + where.size(), num_end - src - where.size());
    return CleanOutput(std::string(source_name) + (line_no.empty() ? "" : ":" + std::string(line_no)) +
                           " defines `" + std::string(log.substr(name_at, name_end - name_at)) +
                           "', which the lab defines itself (it stands in for operator new, the "
                           "pthread and ThreadSanitizer entry points and its own API, to watch "
                           "your program): remove that definition and submit again.\n",
                       4096);
  }
  // "<source>:3:10: fatal error: /etc/passwd: No such file or directory" (GCC) or
  // "<source>:3:10: fatal error: '/etc/passwd' file not found" (Clang).
  std::size_t pos = 0;
  while (pos < log.size()) {
    const std::size_t nl = std::min(log.find('\n', pos), log.size());
    const std::string_view line = log.substr(pos, nl - pos);
    pos = nl + 1;
    constexpr std::string_view kFatal = ": fatal error: ";
    const std::size_t fatal = line.find(kFatal);
    std::string_view file;
    if (fatal == std::string_view::npos || !ParseLocation(line.substr(0, fatal), &file) ||
        file != source_name) {
      continue;
    }
    std::string_view rest = line.substr(fatal + kFatal.size());
    std::string_view path;
    if (rest.ends_with(": No such file or directory")) {
      path = rest.substr(0, rest.size() - std::string_view(": No such file or directory").size());
    } else if (rest.ends_with("' file not found") && rest.starts_with('\'')) {
      path = rest.substr(1, rest.size() - 1 - std::string_view("' file not found").size());
    }
    if (path.starts_with('/') || path.starts_with("../") || path.find("/../") != path.npos) {
      return CleanOutput(std::string(line) +
                             "\nnote: the compiler sees only your file, the lab's headers and the "
                             "standard library, not the files of the machine it runs on; include "
                             "those by name (#include \"lab/sync.h\", #include <vector>)\n",
                         4096);
    }
  }
  return "";
}

}  // namespace lab::grader
