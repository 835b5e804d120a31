// What a submission's preprocessor directives may do to the spec compiled after it.
//
// The spec is compiled in the submission's translation unit, after it (compiler.cc's
// wrapper), so a macro the submission leaves defined rewrites the spec's text: one line
// such as `#define if(c) if (false && (c))` or `#define Fail Ignored` turned every check of
// the spec off and gave an empty solution full marks. And `#line 1 "spec.cpp"` makes the
// submission's own lines pass for the spec's, whose accesses the lab does not check.
//
// ScanSource finds, conservatively (a false match costs nothing), every name the source
// may #define or #undef, so that the wrapper can save each one before the submission
// (#pragma push_macro) and put it back after it (#undef, #pragma pop_macro): the spec then
// sees exactly the macros it would see without the submission. What would defeat that save
// (_Pragma, push_macro / pop_macro of its own) and what disguises the submission's lines
// (#line, a GNU line marker) is refused with a message instead.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lab::grader {

struct SourceScan {
  std::vector<std::string> macro_names;  // sorted, unique; plain ASCII identifiers only
  std::string refusal;  // non-empty: why the submission is not compiled (for the student)
};

SourceScan ScanSource(std::string_view source);

// Wrapper text around the submission's #include: saves / restores every name of `names`.
std::string MacroSaveText(const std::vector<std::string>& names);
std::string MacroRestoreText(const std::vector<std::string>& names);

}  // namespace lab::grader
