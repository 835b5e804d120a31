// The puzzle catalog on disk (DESIGN.md §5): one folder per puzzle under the puzzles
// directory, each with README.md, starter.cpp, reference.cpp, buggy/*.cpp and spec.cpp,
// and the same puzzle in standard C++ (DESIGN §3, the std:: dialect) under std/:
// std/starter.cpp, std/reference.cpp, std/buggy/*.cpp. spec.cpp serves both dialects.
//
//   std::string dir = DefaultPuzzlesDir();          // $LAB_PUZZLES_DIR, else the build's
//   for (const PuzzleInfo& p : ListPuzzles(dir)) std::cout << p.name << "  " << p.teaches;
//   std::optional<PuzzleInfo> fb = FindPuzzle(dir, "fizzbuzz");
//   for (const Variant& v : PuzzleVariants(*fb)) ...  // reference, buggy/ sorted, then std/
//
// Reading the catalog never runs anything; every function is thread-safe and never throws.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lab::grader {

struct PuzzleInfo {
  std::string name;     // the folder name, e.g. "fizzbuzz"
  std::string dir;      // absolute path of the folder
  std::string teaches;  // first line of README.md after its title; "" when there is none
  bool has_spec = false;
  bool has_starter = false;
  bool has_reference = false;
  bool has_std_starter = false;    // std/starter.cpp: `lab new <puzzle> --std`
  bool has_std_reference = false;  // std/reference.cpp

  std::string spec_path() const { return dir + "/spec.cpp"; }
  std::string starter_path() const { return dir + "/starter.cpp"; }
  std::string reference_path() const { return dir + "/reference.cpp"; }
  std::string std_starter_path() const { return dir + "/std/starter.cpp"; }
  std::string std_reference_path() const { return dir + "/std/reference.cpp"; }
};

// One known solution of a puzzle, as `lab demo` grades it.
struct Variant {
  // "reference", "buggy/<file stem>", and for the std:: dialect "std/reference",
  // "std/buggy/<file stem>".
  std::string name;
  std::string path;
  bool reference = false;
  std::vector<std::string> expected;  // finding ids of the `// lab-expect:` line (buggy only)
};

// $LAB_PUZZLES_DIR when set and non-empty, else LAB_PUZZLES_DIR of the build.
std::string DefaultPuzzlesDir();

// Every folder of `dir` (hidden ones excepted), sorted by name. Empty when `dir` is not a
// directory.
std::vector<PuzzleInfo> ListPuzzles(const std::string& dir);

// The puzzle called `name`, or nullopt when there is no such folder or `name` is not a plain
// folder name (letters, digits, '_', '-', '.'; no path separators, not "." or "..").
std::optional<PuzzleInfo> FindPuzzle(const std::string& dir, std::string_view name);

// reference.cpp (when present), buggy/*.cpp sorted by file name, then the same for the
// std:: dialect: std/reference.cpp, std/buggy/*.cpp.
std::vector<Variant> PuzzleVariants(const PuzzleInfo& puzzle);

// The ids of a first line "// lab-expect: data-race wrong-output" (separated by spaces or
// commas), in order; empty when the line is not a lab-expect line.
std::vector<std::string> ParseLabExpect(std::string_view first_line);

// The "teaches" line of a README: the first non-blank line after the first heading ("# x"),
// with Markdown emphasis markers kept as written. "" when there is none.
std::string ReadmeTeachesLine(std::string_view readme);

}  // namespace lab::grader
