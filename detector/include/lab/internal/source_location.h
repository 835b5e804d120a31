// lab/internal/source_location.h — lab::SourceLocation: lab::SourceLocation where the
// standard library has it, otherwise the same thing from the compiler builtins (clang 14
// with libstdc++ 12 has the builtins but not <source_location>'s lab::SourceLocation).
#pragma once

#if __has_include(<source_location>)
#include <source_location>
#endif

namespace lab {

#if defined(__cpp_lib_source_location)
using SourceLocation = std::source_location;
#else
class SourceLocation {
 public:
  static constexpr SourceLocation current(const char* file = __builtin_FILE(),
                                          unsigned line = __builtin_LINE()) noexcept {
    SourceLocation l;
    l.file_ = file;
    l.line_ = line;
    return l;
  }
  constexpr const char* file_name() const noexcept { return file_; }
  constexpr unsigned line() const noexcept { return line_; }
  constexpr unsigned column() const noexcept { return 0; }
  constexpr const char* function_name() const noexcept { return ""; }

 private:
  const char* file_ = "";
  unsigned line_ = 0;
};
#endif

}  // namespace lab
