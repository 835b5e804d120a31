// Compiling a submission safely (DESIGN.md §8, compile step).
//
//   CompileRequest req;
//   req.submission_path = "alice/fizzbuzz.cpp";
//   req.spec_path = "puzzles/fizzbuzz/spec.cpp";
//   req.workdir = run_dir;                      // fresh, private
//   CompileResult c = CompileSubmission(req);
//   if (c.setup_error) ... exit 2 ...
//   else if (!c.ok) ... a compile-error finding whose text is c.message ...
//
// The submission is copied into the workdir under a safe name (its own basename when that is
// safe: "fizzbuzz.cpp", so diagnostics and sites read "fizzbuzz.cpp:14"), the spec as
// "spec.cpp", and a wrapper translation unit "lab_main.cpp" includes lab/grader_pch.h
// (lab/sync.h, lab/spec.h and common standard headers; precompiled, compile_pch.h),
// lab/puzzles/<puzzle>.h when the puzzle (the folder of spec.cpp) has one (types it gives
// the solution, as LeetCode's HtmlParser), the submission, lab/spec_guard.h and spec.cpp, in
// that order. The compiler runs in the
// sandbox (sandbox.h): time, memory and output limits, no network, read access to the system
// directories and the lab's public headers and libraries only (never a puzzle's folder or its
// reference), the workdir the only writable place. So `#include "/dev/random"`, an include of
// the grader's files, or a template bomb is a failed compile within the limits, not a stuck
// or fooled grader. The compiler's private root holds the toolchain (/usr/bin, /usr/lib*,
// /usr/libexec, /usr/include) and the lab's include folders and libraries, nothing else of
// the host: `#include "/etc/passwd"` is "No such file or directory", never the file's lines.
//
// Every plain memory access is checked (issue #11): without `tsan` and sanitizer flags, the
// translation unit is compiled with GCC's ThreadSanitizer instrumentation (-fsanitize=thread)
// and linked with liblab_std.a (whole) instead of libtsan, so the lab's runtime receives
// every load, store and atomic, and every pthread call, of both dialects (lab:: and std::).
// With `tsan` (lab check --tsan) the real ThreadSanitizer runtime is linked as before and
// liblab_std is not.
//
// The lab supplies main(): it is linked whole, so a submission that defines its own main()
// is a compile-error that says to remove it (or to keep it between #ifndef LAB_GRADING and
// #endif: the macro is defined when the lab compiles a submission).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lab::grader {

struct CompileRequest {
  std::string submission_path;
  std::string spec_path;
  std::string workdir;        // private dir; the binary goes here
  std::string output_binary;  // a name or a path inside workdir; empty: "submission"
  bool tsan = false;          // also -fsanitize=thread
  double time_limit_s = 60;
  std::uint64_t memory_limit_bytes = 2ull << 30;
  std::size_t output_cap = 64 << 10;  // bytes of `message`
  std::size_t max_source_bytes = 1 << 20;

  // Where the lab is. Empty (unset) means the value generated into lab_build_config.h; tests
  // point them at a throwaway lab.
  std::string cxx;
  std::string public_include_dir;
  std::string spec_include_dir;
  // More lab header folders (e.g. a puzzle's own header folder): each becomes an -I and is
  // read-only in the compile sandbox, like the two above. Never a puzzle's reference.
  std::vector<std::string> extra_include_dirs;
  std::string lib_lab;
  std::string lib_spec;
  std::string lib_spec_main;
  std::optional<std::string> sanitize_flags;  // space-separated, e.g. "-fsanitize=thread"
  // liblab_std.a, the standard-C++ dialect (see below). Unset: the build's (none in a
  // LAB_TSAN build); "": not linked, and the submission is not instrumented.
  std::optional<std::string> lib_std;
  // Where precompiled lab headers are kept (compile_pch.h). Unset: the build's
  // (LAB_BINARY_DIR/harness/pch); "": none, lab/grader_pch.h is parsed as text.
  std::optional<std::string> pch_root;
  // -H: the compiler lists every header it reads into raw_log, a used precompiled one
  // marked "! <path>.gch" (tests and instructors: is the precompiled header used?).
  bool trace_includes = false;
};

struct CompileResult {
  bool ok = false;
  bool setup_error = false;  // missing file, lab not built, compiler missing: exit 2 territory
  // What the student sees: diagnostics trimmed to the submission's own lines (plus the bare
  // error lines elsewhere, such as a missing member the spec calls), workdir paths stripped,
  // cleaned and capped; or the limit that was hit; or the setup problem.
  std::string message;
  std::string raw_log;      // the compiler's stdout + stderr as captured (capped), for instructors
  std::string source_name;  // the submission's name in the workdir, e.g. "fizzbuzz.cpp"
  std::string binary_path;  // absolute path of the binary when ok
  double seconds = 0;
  bool precompiled_header = false;  // a precompiled lab/grader_pch.h matched this compile
};

// Never throws. Thread-safe (several compiles may run at once in distinct workdirs).
CompileResult CompileSubmission(const CompileRequest& req);

// Precompiles lab/grader_pch.h into req.pch_root for the flags CompileSubmission(req) uses
// (only tsan, sanitize_flags, cxx, the include folders and lib_std matter), so that later
// compiles with the same flags skip parsing the lab's headers; true at once when the one
// there is up to date. False with *error when it
// cannot (clang; GCC refusing the result): those compiles parse the header instead.
bool PrecompileLabHeaders(const CompileRequest& req, std::string* error);

// The file name a submission gets inside the workdir: its basename made safe with
// SanitizeStudentName, a C++ extension kept (".cpp" otherwise); names the wrapper uses
// ("spec.cpp", "lab_main.cpp") become "submission.cpp".
std::string SubmissionFileName(std::string_view submission_path);

// Reduces a GCC or Clang log to what concerns `source_name`: each error group (an error with
// its notes, source excerpt and "required from" context) that mentions the file is kept
// whole, with excerpts of other files dropped; from other groups only the error line itself
// is kept (e.g. "spec.cpp:12:8: error: 'class FizzBuzz' has no member named 'fizz'");
// include chains through the wrapper are dropped; linker errors are kept without object
// paths. `strip_prefixes` (directories, each with a trailing '/') are removed from every
// line. The result is CleanOutput'ed to at most `cap` bytes.
std::string TrimDiagnostics(std::string_view log, std::string_view source_name,
                            const std::vector<std::string>& strip_prefixes, std::size_t cap);

// The plain message for a failed compile whose cause is not in the student's C++ but in how
// the submission is handed in, or "" for an ordinary failure (TrimDiagnostics then):
//  - the submission defines main() (the linker's "multiple definition of `main'"): remove it;
//  - an #include of a host path the sandbox does not hold ("fatal error: /etc/passwd: No
//    such file or directory"): only the lab's headers and the standard library are there.
std::string ExplainCompileFailure(std::string_view log, std::string_view source_name);

}  // namespace lab::grader
