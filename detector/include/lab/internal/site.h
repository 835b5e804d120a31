// lab/internal/site.h — where an operation happened, as cheap as a pointer and an int.
//
// `file` points at the static string of a lab::SourceLocation, so a SiteRef is trivially
// copyable and comparable without allocation. Reports turn it into a lab::SourceSite.
#pragma once

#include <cstdint>
#include "lab/internal/source_location.h"

namespace lab::internal {

struct SiteRef {
  const char* file = nullptr;
  std::uint32_t line = 0;

  static constexpr SiteRef From(const lab::SourceLocation& loc) {
    return SiteRef{loc.file_name(), loc.line()};
  }
  bool known() const { return file != nullptr && line != 0; }
  friend bool operator==(const SiteRef& a, const SiteRef& b) {
    return a.line == b.line && (a.file == b.file || SameFile(a.file, b.file));
  }

 private:
  static bool SameFile(const char* a, const char* b) {
    if (a == nullptr || b == nullptr) return false;
    while (*a != 0 && *a == *b) ++a, ++b;
    return *a == *b;
  }
};

// Small dense thread id, assigned in order of creation within a run (0 = the first thread).
using Tid = std::uint32_t;
inline constexpr Tid kNoTid = 0xffffffffu;

}  // namespace lab::internal
