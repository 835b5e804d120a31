// `lab`: the Lockstep Lab command (DESIGN.md §6).
//
//   lab list                                 puzzles, one line each
//   lab new <puzzle> [file]                  copy the starter
//   lab check <puzzle> <file> [flags]        compile, run every scenario, explain failures
//   lab grade <puzzle> <dir> -o <out>        batch: results.json, gradebook.csv, junit.xml
//   lab explain [<finding-id>]               the teaching text of a finding
//   lab demo                                 grade every reference and buggy variant
//
// main() only picks the subcommand; each lives in <name>_command.cc.
#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "command.h"
#include "submission_result.h"

namespace {

std::vector<lab::cli::Command> AllCommands() {
  return {lab::cli::ListCommand(),    lab::cli::NewCommand(),     lab::cli::CheckCommand(),
          lab::cli::GradeCommand(),   lab::cli::GradescopeCommand(), lab::cli::ExplainCommand(),
          lab::cli::DemoCommand()};
}

void PrintUsage(std::FILE* out) {
  std::fprintf(out,
               "usage: lab <command> [arguments] [flags]\n\n"
               "Lockstep Lab: concurrency puzzles, checked under a controlled scheduler.\n\n"
               "commands:\n");
  for (const lab::cli::Command& c : AllCommands()) {
    std::string synopsis = std::string(c.name) + " " + c.args;
    synopsis.resize(std::max<std::size_t>(synopsis.size(), 30), ' ');
    std::fprintf(out, "  %s  %s\n", synopsis.c_str(), c.summary);
  }
  std::fprintf(out,
               "\n`lab <command> --help` shows a command's flags.\n"
               "exit status: 0 all tests pass, 1 a test failed or a finding, 2 usage or setup "
               "error, 3 the submission did not compile\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    PrintUsage(stderr);
    return lab::cli::kExitUsage;
  }
  const std::string& name = args[0];
  if (name == "--help" || name == "-h" || name == "help") {
    if (name == "help" && args.size() > 1) {
      for (const lab::cli::Command& c : AllCommands()) {
        if (args[1] == c.name) {
          std::fputs(lab::cli::CommandHelp(c).c_str(), stdout);
          return lab::cli::kExitOk;
        }
      }
    }
    PrintUsage(stdout);
    return lab::cli::kExitOk;
  }
  if (name == "--version" || name == "version") {
    std::printf("lab %.*s\n", static_cast<int>(lab::grader::kLabVersion.size()),
                lab::grader::kLabVersion.data());
    return lab::cli::kExitOk;
  }
  for (const lab::cli::Command& c : AllCommands()) {
    if (name != c.name) continue;
    std::vector<std::string> positional;
    switch (lab::cli::ParseCommandArgs(c, {args.begin() + 1, args.end()}, &positional)) {
      case lab::cli::ParseOutcome::kHelp:
        std::fputs(lab::cli::CommandHelp(c).c_str(), stdout);
        return lab::cli::kExitOk;
      case lab::cli::ParseOutcome::kError:
        return lab::cli::kExitUsage;
      case lab::cli::ParseOutcome::kRun:
        return c.run(positional);
    }
  }
  std::fprintf(stderr, "lab: unknown command '%s'\n\n", name.c_str());
  PrintUsage(stderr);
  return lab::cli::kExitUsage;
}
