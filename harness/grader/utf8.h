// UTF-8 decoding, one code point at a time: the one decoder the grader's text cleaners share
// (SanitizeStudentName, CsvField, IsValidUtf8, CleanOutput).
#pragma once

#include <cstddef>
#include <string_view>

namespace lab::grader {

// One step of UTF-8 decoding at s[i] (i < s.size()). On success `valid` is true, `cp` holds
// the code point and the return value is its length. On failure (overlongs, surrogates, past
// U+10FFFF, a cut sequence) the return value is the length of the maximal invalid subpart
// (Unicode's "U+FFFD substitution of maximal subparts"), at least 1.
std::size_t DecodeUtf8(std::string_view s, std::size_t i, char32_t& cp, bool& valid);

}  // namespace lab::grader
