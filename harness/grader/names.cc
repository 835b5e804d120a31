// Sanitising student names and CSV fields. See names.h for the contracts.
#include "names.h"

#include <array>
#include <cctype>
#include <string>
#include <string_view>

#include "utf8.h"

namespace lab::grader {
namespace {

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Non-ASCII code points that print as nothing, as blank space, or reorder the text around
// them (bidi controls): a name holding one could impersonate another or hide its extension.
bool IsInvisibleOrControl(char32_t cp) {
  return cp <= 0xA0 || cp == 0xAD || cp == 0x34F || cp == 0x61C || cp == 0x115F || cp == 0x1160 ||
         cp == 0x17B4 || cp == 0x17B5 || cp == 0x180E || (cp >= 0x2000 && cp <= 0x200F) ||
         (cp >= 0x2028 && cp <= 0x202F) || (cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 ||
         cp == 0x3164 || (cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0xFE00 && cp <= 0xFE0F) ||
         cp == 0xFEFF || cp == 0xFFA0 || (cp >= 0xFFF0 && cp <= 0xFFFF) ||
         (cp >= 0xE0000 && cp <= 0xE0FFF) || cp >= 0xF0000 || (cp & 0xFFFE) == 0xFFFE;
}

bool EndsWithNoCase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  s = s.substr(s.size() - suffix.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != suffix[i]) return false;
  }
  return true;
}

bool IsEdgeJunk(char c) { return c == '.' || c == '-' || c == '_'; }

bool IsWindowsDeviceName(std::string_view name) {
  std::string upper;
  for (char c : name.substr(0, name.find('.'))) {
    upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  static constexpr std::array<std::string_view, 4> kPlain = {"CON", "PRN", "AUX", "NUL"};
  for (std::string_view d : kPlain) {
    if (upper == d) return true;
  }
  return upper.size() == 4 && (upper.starts_with("COM") || upper.starts_with("LPT")) &&
         upper[3] >= '1' && upper[3] <= '9';
}

// Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence (s is valid UTF-8).
void CutUtf8(std::string& s, std::size_t max) {
  if (s.size() <= max) return;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  s.resize(end);
}

bool IsPlainNumber(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  std::size_t digits = 0;
  bool dot = false;
  for (; i < s.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(s[i]))) {
      ++digits;
    } else if (s[i] == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  return digits > 0;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    bool valid = false;
    i += DecodeUtf8(s, i, cp, valid);
    if (!valid) return false;
  }
  return true;
}

std::string SanitizeStudentName(std::string_view raw) {
  while (!raw.empty() && (raw.back() == '/' || raw.back() == '\\')) raw.remove_suffix(1);
  if (EndsWithNoCase(raw, ".cpp")) raw.remove_suffix(4);

  // Map every character to itself or '_'.
  std::string mapped;
  for (std::size_t i = 0; i < raw.size();) {
    char32_t cp = 0;
    bool valid = false;
    const std::size_t len = DecodeUtf8(raw, i, cp, valid);
    i += len;
    if (!valid) {
      mapped += '_';
    } else if (cp < 0x80) {
      const char c = static_cast<char>(cp);
      const bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
      mapped += keep ? c : '_';
    } else if (IsInvisibleOrControl(cp)) {
      mapped += '_';
    } else {
      AppendUtf8(mapped, cp);
    }
  }

  // ".." (and longer dot runs) never survive; '_' runs collapse.
  std::string name;
  for (std::size_t i = 0; i < mapped.size();) {
    if (mapped[i] == '.' && i + 1 < mapped.size() && mapped[i + 1] == '.') {
      while (i < mapped.size() && mapped[i] == '.') ++i;
      if (name.empty() || name.back() != '_') name += '_';
      continue;
    }
    if (mapped[i] == '_' && !name.empty() && name.back() == '_') {
      ++i;
      continue;
    }
    name += mapped[i++];
  }

  auto trim = [](std::string& s) {
    std::size_t b = 0;
    while (b < s.size() && IsEdgeJunk(s[b])) ++b;
    std::size_t e = s.size();
    while (e > b && IsEdgeJunk(s[e - 1])) --e;
    s = s.substr(b, e - b);
  };
  trim(name);
  CutUtf8(name, kMaxStudentNameBytes);
  trim(name);
  if (name.empty()) return "student";
  if (IsWindowsDeviceName(name)) {
    name = "student_" + name;
    CutUtf8(name, kMaxStudentNameBytes);
  }
  return name;
}

std::string CsvField(std::string_view value) {
  std::string text;
  text.reserve(value.size());
  for (std::size_t i = 0; i < value.size();) {
    char32_t cp = 0;
    bool valid = false;
    const std::size_t len = DecodeUtf8(value, i, cp, valid);
    if (!valid) {
      AppendUtf8(text, 0xFFFD);
    } else if (cp != 0) {
      text.append(value.substr(i, len));
    }
    i += len;
  }

  const std::size_t first = text.find_first_not_of(" ");
  if (first != std::string::npos && !IsPlainNumber(text)) {
    const char c = text[first];
    if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') {
      text.insert(0, 1, '\'');
    }
  }

  const bool quote = text.find_first_of(",\"\r\n") != std::string::npos ||
                     (!text.empty() && (text.front() == ' ' || text.back() == ' '));
  if (!quote) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace lab::grader
