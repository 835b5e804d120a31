// The compiler command for a submission (compiler.cc): the request's lab with the build's
// defaults, and the options split into those that compile (the precompiled header's key,
// compile_pch.h: the same words in the same order) and those that link.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler.h"

namespace lab::grader {

// What a request names, with the build's defaults for what it leaves unset.
struct ResolvedLab {
  std::string cxx, pub, spec_inc;
  // Every header folder the compiler may read: each is an -I and read-only in the sandbox.
  std::vector<std::string> include_dirs;
  std::string lib_lab, lib_spec, lib_main;
  std::string lib_std;  // "": the submission is not in the std:: dialect
};

ResolvedLab ResolveLab(const CompileRequest& in);

// The compiler's options: `flags` compile, `link` links after the inputs.
struct CommandParts {
  // The command is: cxx flags first <wrapper source> -o <binary> link. `first` is the lab's
  // main() archive, linked before the submission's object (runner_main.cc: its key reader
  // must be the first .preinit_array entry).
  std::vector<std::string> flags, first, link;
  bool clang = false;
};

CommandParts BuildCommand(const CompileRequest& in, const ResolvedLab& lab);

// "a  b c" -> {"a", "b", "c"}.
std::vector<std::string> SplitWords(std::string_view s);

// The path with symlinks resolved, or the path itself when it cannot be.
std::string Canonical(const std::string& path);

}  // namespace lab::grader
