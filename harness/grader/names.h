// Student names and gradebook fields: the two places where text a student controls (a file
// or folder name) becomes part of a path, a shell line or a spreadsheet cell.
//
//   SanitizeStudentName("../../etc/passwd")  -> "etc_passwd"
//   SanitizeStudentName("=HYPERLINK(\"x\")") -> "HYPERLINK_x"
//   CsvField("=1+1")                         -> "'=1+1"
//
// Both functions are pure, deterministic and thread-safe; neither throws (short of
// std::bad_alloc).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace lab::grader {

// The longest name SanitizeStudentName returns, in bytes.
inline constexpr std::size_t kMaxStudentNameBytes = 64;

// Turns a file or folder name into a name that is safe as one path component, as a shell
// word and as the start of a CSV cell. A trailing ".cpp" (any case) and trailing path
// separators are stripped; ASCII letters, digits, '.', '-' and printable non-ASCII text are
// kept; every other byte (path separators, shell metacharacters, spaces, control characters,
// bytes that are not UTF-8, invisible or bidi-override code points) becomes '_'. Runs of
// '_' collapse, ".." never survives, leading '.', '-', '_' are dropped (no hidden files, no
// option-looking names, no "=", "+", "-", "@" formula starts) as are trailing ones; the
// result is cut to kMaxStudentNameBytes on a character boundary. An empty result is
// "student"; a Windows device name (CON, NUL, COM1, ...) gets the prefix "student_".
// Different inputs may map to the same name: callers that need uniqueness disambiguate.
std::string SanitizeStudentName(std::string_view raw);

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool IsValidUtf8(std::string_view s);

// One CSV field per RFC 4180: quoted (with "" for ") when it holds a comma, quote, CR, LF
// or edge space. A text field whose first non-blank character is = + - @ TAB or CR is
// prefixed with ' so spreadsheets do not evaluate it (OWASP "CSV injection"); a plain
// decimal number such as "-3" or "12.5" is left alone. Invalid UTF-8 becomes U+FFFD and
// NUL bytes are dropped, so the gradebook is always valid text.
std::string CsvField(std::string_view value);

}  // namespace lab::grader
