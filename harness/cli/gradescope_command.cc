// `lab gradescope <puzzle> -o autograder.zip`: the instructor's autograder for Gradescope
// (harness/grader/autograder_bundle.h says what the zip holds and what its scripts do).
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "autograder_bundle.h"
#include "command.h"
#include "files.h"
#include "lab_build_config.h"
#include "puzzles.h"

ABSL_FLAG(std::string, gradescope_out, "autograder.zip", "the zip to write");
ABSL_FLAG(double, gradescope_timeout, 60,
          "wall-clock limit of one scenario run on Gradescope, in seconds");

namespace lab::cli {
namespace {

Command Self();

int Run(const std::vector<std::string>& args) {
  const Command cmd = Self();
  const std::string dir = grader::DefaultPuzzlesDir();
  const auto puzzle = grader::FindPuzzle(dir, args[0]);
  if (!puzzle) return UsageError(cmd, "unknown puzzle '" + args[0] + "' (lab list shows them)");
  if (!puzzle->has_spec) return UsageError(cmd, "puzzle '" + puzzle->name + "' has no spec.cpp");
  grader::AutograderOptions opt;
  opt.scenario_wall_seconds = absl::GetFlag(FLAGS_gradescope_timeout);
  if (!(opt.scenario_wall_seconds > 0)) return UsageError(cmd, "--timeout must be positive");
  const std::string out = absl::GetFlag(FLAGS_gradescope_out);
  if (out.empty()) return UsageError(cmd, "-o wants a file name");

  std::string zip, error;
  if (!grader::BuildAutograderZip(*puzzle, LAB_SOURCE_DIR, opt, &zip, &error) ||
      !grader::WriteFileAtomically(out, zip, &error)) {
    return UsageError(cmd, error);
  }
  std::printf("wrote %s (%zu KiB): upload it as the autograder of a Gradescope programming\n"
              "assignment (Ubuntu or Debian base image); students submit one .cpp file.\n",
              out.c_str(), zip.size() / 1024);
  return kExitOk;
}

Command Self() {
  return {"gradescope",
          "<puzzle>",
          "package the puzzle as a Gradescope autograder zip",
          "Writes a zip holding setup.sh (installs the lab's dependencies with apt-get and\n"
          "builds the bundled lab), run_autograder (grades /autograder/submission/*.cpp with\n"
          "`lab grade` and writes /autograder/results/results.json) and the lab's sources with\n"
          "this puzzle. Upload it as the assignment's autograder.\n"
          "Exit status: 0 written, 2 usage or setup error.",
          {{"out", 'o', "gradescope_out", "FILE"}, {"timeout", 0, "gradescope_timeout", "SECONDS"}},
          1,
          1,
          &Run};
}

}  // namespace

Command GradescopeCommand() { return Self(); }

}  // namespace lab::cli
