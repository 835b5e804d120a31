// The zip writer. See zip_writer.h; the format is PKWARE's APPNOTE.TXT (sections 4.3.7,
// 4.3.12 and 4.3.16: local file header, central directory header, end of central directory).
#include "zip_writer.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace lab::grader {
namespace {

constexpr std::uint16_t kDosDate1980 = (0 << 9) | (1 << 5) | 1;  // 1980-01-01
constexpr std::uint16_t kFlagUtf8 = 1u << 11;
constexpr std::uint16_t kVersionNeeded = 10;               // 1.0: stored entries
constexpr std::uint16_t kMadeByUnix = (3u << 8) | 20;      // host 3 = Unix, spec 2.0

void Put16(std::string* out, std::uint32_t v) {
  out->push_back(static_cast<char>(v & 0xFF));
  out->push_back(static_cast<char>((v >> 8) & 0xFF));
}
void Put32(std::string* out, std::uint32_t v) {
  Put16(out, v & 0xFFFF);
  Put16(out, v >> 16);
}

std::array<std::uint32_t, 256> MakeTable() {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}

bool SafeName(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.back() == '/') return false;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    const std::string_view part = name.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

}  // namespace

std::uint32_t Crc32(std::string_view data) {
  static const std::array<std::uint32_t, 256> table = MakeTable();
  std::uint32_t c = 0xFFFFFFFFu;
  for (char ch : data) c = table[(c ^ static_cast<unsigned char>(ch)) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

bool ZipWriter::Add(std::string_view name, std::string_view data, std::uint32_t mode) {
  constexpr std::size_t kMax32 = std::numeric_limits<std::uint32_t>::max();
  if (!SafeName(name) || name.size() > 0xFFFF || entries_ >= 0xFFFF) return false;
  if (data.size() >= kMax32 || body_.size() + data.size() + name.size() + 64 >= kMax32) {
    return false;
  }
  const auto offset = static_cast<std::uint32_t>(body_.size());
  const std::uint32_t crc = Crc32(data);
  const auto size = static_cast<std::uint32_t>(data.size());

  Put32(&body_, 0x04034b50);
  Put16(&body_, kVersionNeeded);
  Put16(&body_, kFlagUtf8);
  Put16(&body_, 0);  // stored
  Put16(&body_, 0);  // time 00:00:00
  Put16(&body_, kDosDate1980);
  Put32(&body_, crc);
  Put32(&body_, size);
  Put32(&body_, size);
  Put16(&body_, static_cast<std::uint32_t>(name.size()));
  Put16(&body_, 0);  // no extra field
  body_ += name;
  body_ += data;

  Put32(&directory_, 0x02014b50);
  Put16(&directory_, kMadeByUnix);
  Put16(&directory_, kVersionNeeded);
  Put16(&directory_, kFlagUtf8);
  Put16(&directory_, 0);
  Put16(&directory_, 0);
  Put16(&directory_, kDosDate1980);
  Put32(&directory_, crc);
  Put32(&directory_, size);
  Put32(&directory_, size);
  Put16(&directory_, static_cast<std::uint32_t>(name.size()));
  Put16(&directory_, 0);  // extra
  Put16(&directory_, 0);  // comment
  Put16(&directory_, 0);  // disk
  Put16(&directory_, 0);  // internal attributes
  Put32(&directory_, (0100000u | (mode & 07777)) << 16);  // regular file, Unix mode
  Put32(&directory_, offset);
  directory_ += name;
  ++entries_;
  return true;
}

std::string ZipWriter::Finish() {
  std::string out = std::move(body_);
  const auto dir_offset = static_cast<std::uint32_t>(out.size());
  out += directory_;
  Put32(&out, 0x06054b50);
  Put16(&out, 0);
  Put16(&out, 0);
  Put16(&out, static_cast<std::uint32_t>(entries_));
  Put16(&out, static_cast<std::uint32_t>(entries_));
  Put32(&out, static_cast<std::uint32_t>(directory_.size()));
  Put32(&out, dir_offset);
  Put16(&out, 0);  // no comment
  body_.clear();
  directory_.clear();
  entries_ = 0;
  return out;
}

}  // namespace lab::grader
