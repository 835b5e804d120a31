// The `lab` command's subcommands, and how their arguments are read.
//
// Every subcommand is a Command: a name, its help, the flags it accepts and a function that
// runs it with the positional arguments. Flags are Abseil flags (ABSL_FLAG in the command's
// own file, named "<command>_<flag>" so that two commands may each have a --jobs); a command
// binds the spelling users type (--jobs, -j) to its Abseil flag, and ParseCommandArgs sets
// them through absl::CommandLineFlag::ParseFrom, so values are parsed and typed by Abseil
// while `lab check --help` shows only the flags of `lab check`.
//
// Exit status of every command (DESIGN.md §6): 0 all pass, 1 a test failed or a finding,
// 2 usage or setup error, 3 the submission did not compile.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lab::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitCompile = 3;

struct FlagBinding {
  const char* name;        // typed as --name or --name=value
  char short_name;         // typed as -x value; 0 for none
  const char* absl_name;   // the ABSL_FLAG it sets
  const char* value_name;  // shown in help ("N", "FILE"); "" for a boolean flag
};

struct Command {
  const char* name;
  const char* args;     // positional arguments for the synopsis: "<puzzle> <file>"
  const char* summary;  // one line, for `lab --help`
  const char* details;  // paragraphs for `lab <command> --help`
  std::vector<FlagBinding> flags;
  int min_args;
  int max_args;
  int (*run)(const std::vector<std::string>& args);
};

// The commands, in the order `lab --help` lists them. Each is defined in <name>_command.cc.
Command ListCommand();
Command NewCommand();
Command CheckCommand();
Command GradeCommand();
Command GradescopeCommand();
Command ExplainCommand();
Command DemoCommand();

enum class ParseOutcome { kRun, kHelp, kError };

// Reads `argv` (what follows the subcommand) into `positional`, setting the bound flags.
// Flags and positional arguments may be mixed; "--" ends the flags. On kError a message
// naming the problem is printed on stderr; on kHelp nothing is printed.
ParseOutcome ParseCommandArgs(const Command& cmd, const std::vector<std::string>& argv,
                              std::vector<std::string>* positional);

// The help of one command: synopsis, details, flags with their help and defaults.
std::string CommandHelp(const Command& cmd);

// Prints "lab <command>: <message>" on stderr and returns kExitUsage.
int UsageError(const Command& cmd, std::string_view message);

}  // namespace lab::cli
