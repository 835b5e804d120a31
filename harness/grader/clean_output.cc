// CleanOutput: what an untrusted program printed, made fit for a report. See sandbox.h.
#include <algorithm>
#include <string>
#include <string_view>

#include "sandbox.h"
#include "utf8.h"

namespace lab::grader {
namespace {

// Index just past the escape sequence that starts at raw[i] (an ESC).
std::size_t SkipEscape(std::string_view raw, std::size_t i) {
  const std::size_t n = raw.size();
  std::size_t j = i + 1;
  if (j >= n) return n;
  const char c = raw[j];
  if (c == '[') {  // CSI: parameter and intermediate bytes, then one final byte
    ++j;
    while (j < n && raw[j] >= 0x20 && raw[j] <= 0x3F) ++j;
    if (j < n && raw[j] >= 0x40 && raw[j] <= 0x7E) ++j;
    return j;
  }
  if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_') {  // OSC, DCS, SOS, PM, APC
    for (++j; j < n; ++j) {
      if (raw[j] == '\a') return j + 1;
      if (raw[j] == '\x1b') return j + 1 < n && raw[j + 1] == '\\' ? j + 2 : j;
    }
    return n;
  }
  while (j < n && raw[j] >= 0x20 && raw[j] <= 0x2F) ++j;  // intermediates, then a final
  if (j < n && raw[j] >= 0x30 && raw[j] <= 0x7E) ++j;
  return j;
}

bool IsBidiControl(char32_t cp) {
  return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

std::string CleanOutput(std::string_view raw, std::size_t cap, bool already_truncated) {
  std::string out;
  out.reserve(std::min(raw.size(), cap));
  bool cut = already_truncated;
  const auto emit = [&](std::string_view piece) {
    if (out.size() + piece.size() > cap) {
      cut = true;
      return false;
    }
    out.append(piece);
    return true;
  };
  for (std::size_t i = 0; i < raw.size();) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (c == 0x1B) {
      i = SkipEscape(raw, i);
      continue;
    }
    if (c < 0x80) {
      const bool keep = c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7F);
      if (keep && !emit(raw.substr(i, 1))) break;
      ++i;
      continue;
    }
    char32_t cp = 0;
    bool valid = false;
    const std::size_t len = DecodeUtf8(raw, i, cp, valid);
    const bool drop = valid && (cp <= 0x9F || IsBidiControl(cp));  // C1 controls
    if (!drop && !emit(valid ? raw.substr(i, len) : std::string_view("\xEF\xBF\xBD"))) break;
    i += len;
  }
  if (cut) {
    if (!out.empty() && out.back() != '\n') out += '\n';
    out += "[... output truncated]\n";
  }
  return out;
}

}  // namespace lab::grader
