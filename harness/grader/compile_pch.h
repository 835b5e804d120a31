// The lab's headers precompiled for the submission compile (issue #11: `lab check` of the
// fizzbuzz std:: reference within 3 s; parsing lab/sync.h and lab/spec.h was about half of
// the compiler's time).
//
// Every wrapper translation unit begins with #include "lab/grader_pch.h"
// (harness/spec/lab/grader_pch.h). GCC uses a precompiled "<dir>/lab/grader_pch.h.gch" when
// <dir> comes first in the include path and the .gch was built with the same options; it
// ignores one built with other options without a word and parses the header instead. So a
// precompiled header here is kept per exact flag list, and is used only when
//  - the compiler is GCC (clang's PCH is another mechanism) and the flags of this compile,
//    word for word, are those it was built with (the directory name is their hash);
//  - every file it was built from (the compiler's dependency list: lab headers, standard
//    headers, lab/grader_pch.h itself) still has the size and mtime it had then;
//  - GCC said, when it was built, that it really uses it (a probe compile with -H).
// Otherwise the compile parses the header as text: slower, same program.
//
// Built at `make` time by the lab_pch tool (harness/tools/lab_pch_main.cc) for the grader's
// default flags and for --tsan, into LAB_BINARY_DIR/harness/pch.
#pragma once

#include <string>
#include <vector>

namespace lab::grader {

// The include every wrapper begins with ("lab/grader_pch.h").
extern const char* const kPchInclude;

// The folder to put first in the include path (-I) for a compile by `cxx` with exactly
// `flags` (every option, no input or output file), or "" when `root` has no usable
// precompiled header for them.
std::string FindPrecompiledHeader(const std::string& root, const std::string& cxx,
                                  const std::vector<std::string>& flags);

// Precompiles `header` (the path of lab/grader_pch.h) for `cxx` + `flags` into a folder
// under `root`, replacing an older one for the same flags, and checks with a probe compile
// that GCC uses it. False with *error when it cannot (clang, a compile error, GCC refusing
// the result); the grader then compiles without it.
bool BuildPrecompiledHeader(const std::string& root, const std::string& cxx,
                            const std::vector<std::string>& flags, const std::string& header,
                            std::string* error);

}  // namespace lab::grader
