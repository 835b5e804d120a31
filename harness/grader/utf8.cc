// See utf8.h.
#include "utf8.h"

namespace lab::grader {

std::size_t DecodeUtf8(std::string_view s, std::size_t i, char32_t& cp, bool& valid) {
  const auto c = static_cast<unsigned char>(s[i]);
  valid = false;
  if (c < 0x80) {
    cp = c;
    valid = true;
    return 1;
  }
  int need = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  char32_t v = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
    v = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    v = c & 0x0F;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    v = c & 0x07;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 1;
  }
  std::size_t j = i + 1;
  for (int k = 0; k < need; ++k, ++j) {
    if (j >= s.size()) return j - i;
    const auto b = static_cast<unsigned char>(s[j]);
    if (b < lo || b > hi) return j - i;
    v = (v << 6) | (b & 0x3F);
    lo = 0x80;
    hi = 0xBF;
  }
  cp = v;
  valid = true;
  return j - i;
}

}  // namespace lab::grader
