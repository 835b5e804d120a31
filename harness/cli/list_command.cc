// `lab list`: the puzzles, one line each.
#include <cstdio>
#include <string>
#include <vector>

#include "command.h"
#include "puzzles.h"

namespace lab::cli {
namespace {

int Run(const std::vector<std::string>&) {
  const std::string dir = grader::DefaultPuzzlesDir();
  const std::vector<grader::PuzzleInfo> puzzles = grader::ListPuzzles(dir);
  if (puzzles.empty()) {
    std::fprintf(stderr, "lab list: no puzzles in %s\n", dir.c_str());
    return kExitUsage;
  }
  std::size_t width = 0;
  for (const grader::PuzzleInfo& p : puzzles) width = std::max(width, p.name.size());
  for (const grader::PuzzleInfo& p : puzzles) {
    std::string teaches = p.teaches;
    if (!p.has_spec) teaches += teaches.empty() ? "(not ready: no spec.cpp)" : "  (not ready: no spec.cpp)";
    if (p.has_std_starter) teaches += teaches.empty() ? "[also std::]" : "  [also std::]";
    std::printf("%-*s  %s\n", static_cast<int>(width), p.name.c_str(), teaches.c_str());
  }
  return kExitOk;
}

}  // namespace

Command ListCommand() {
  return {"list", "", "list the puzzles",
          "One line per puzzle: its name and what it teaches. The puzzles are the folders of\n"
          "$LAB_PUZZLES_DIR when it is set, else of the lab's own puzzles/ folder. A puzzle\n"
          "marked [also std::] has a standard-C++ starter too: lab new <puzzle> --std.",
          {}, 0, 0, &Run};
}

}  // namespace lab::cli
