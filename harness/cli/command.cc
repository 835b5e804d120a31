// Argument parsing and help for the subcommands. See command.h.
#include "command.h"

#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"

namespace lab::cli {
namespace {

const FlagBinding* FindLong(const Command& cmd, std::string_view name) {
  for (const FlagBinding& f : cmd.flags) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

const FlagBinding* FindShort(const Command& cmd, char c) {
  for (const FlagBinding& f : cmd.flags) {
    if (f.short_name != 0 && f.short_name == c) return &f;
  }
  return nullptr;
}

bool IsBool(const FlagBinding& f) { return f.value_name[0] == '\0'; }

std::string Spelling(const FlagBinding& f) { return std::string("--") + f.name; }

// Sets the Abseil flag behind `f`; prints the problem and returns false on a bad value.
bool Set(const Command& cmd, const FlagBinding& f, std::string_view value) {
  absl::CommandLineFlag* flag = absl::FindCommandLineFlag(f.absl_name);
  if (flag == nullptr) {
    UsageError(cmd, "internal error: flag " + Spelling(f) + " is not defined");
    return false;
  }
  std::string error;
  if (!flag->ParseFrom(absl::string_view(value.data(), value.size()), &error)) {
    UsageError(cmd, "invalid value '" + std::string(value) + "' for " + Spelling(f) +
                        (IsBool(f) ? " (true or false)" : " (expected " + std::string(f.value_name) + ")"));
    return false;
  }
  return true;
}

}  // namespace

int UsageError(const Command& cmd, std::string_view message) {
  std::fprintf(stderr, "lab %s: %.*s\n", cmd.name, static_cast<int>(message.size()), message.data());
  return kExitUsage;
}

ParseOutcome ParseCommandArgs(const Command& cmd, const std::vector<std::string>& argv,
                              std::vector<std::string>* positional) {
  bool flags_done = false;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (flags_done || a.size() < 2 || a[0] != '-') {
      positional->push_back(a);
      continue;
    }
    if (a == "--") {
      flags_done = true;
      continue;
    }
    if (a == "--help" || a == "-h" || a == "--helpfull" || a == "-help") return ParseOutcome::kHelp;
    const FlagBinding* f = nullptr;
    std::string value;
    bool has_value = false;
    if (a[1] == '-') {
      std::string name = a.substr(2);
      if (const auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        has_value = true;
        name = name.substr(0, eq);
      }
      f = FindLong(cmd, name);
      if (f == nullptr && !has_value && name.starts_with("no")) {
        // --notsan / --no-tsan for boolean flags, as Abseil spells it.
        std::string base = name.substr(name.starts_with("no-") ? 3 : 2);
        const FlagBinding* b = FindLong(cmd, base);
        if (b != nullptr && IsBool(*b)) {
          if (!Set(cmd, *b, "false")) return ParseOutcome::kError;
          continue;
        }
      }
      if (f == nullptr) {
        UsageError(cmd, "unknown flag --" + name + " (lab " + cmd.name + " --help lists the flags)");
        return ParseOutcome::kError;
      }
    } else {
      f = FindShort(cmd, a[1]);
      if (f == nullptr) {
        UsageError(cmd, "unknown flag " + a + " (lab " + cmd.name + " --help lists the flags)");
        return ParseOutcome::kError;
      }
      if (a.size() > 2) {
        value = a.substr(a[2] == '=' ? 3 : 2);
        has_value = true;
      }
    }
    if (IsBool(*f)) {
      if (!Set(cmd, *f, has_value ? value : "true")) return ParseOutcome::kError;
      continue;
    }
    if (!has_value) {
      if (i + 1 >= argv.size()) {
        UsageError(cmd, Spelling(*f) + " needs a value (" + f->value_name + ")");
        return ParseOutcome::kError;
      }
      value = argv[++i];
    }
    if (!Set(cmd, *f, value)) return ParseOutcome::kError;
  }
  const int n = static_cast<int>(positional->size());
  if (n < cmd.min_args || n > cmd.max_args) {
    UsageError(cmd, std::string(n < cmd.min_args ? "missing arguments" : "too many arguments") +
                        "; usage: lab " + cmd.name + " " + cmd.args + " (lab " + cmd.name +
                        " --help)");
    return ParseOutcome::kError;
  }
  return ParseOutcome::kRun;
}

std::string CommandHelp(const Command& cmd) {
  std::string out = std::string("usage: lab ") + cmd.name;
  if (cmd.args[0] != '\0') out += std::string(" ") + cmd.args;
  if (!cmd.flags.empty()) out += " [flags]";
  out += "\n\n" + std::string(cmd.summary) + "\n";
  if (cmd.details[0] != '\0') out += "\n" + std::string(cmd.details) + "\n";
  out += "\nflags:\n";
  std::vector<std::pair<std::string, std::string>> rows;
  for (const FlagBinding& f : cmd.flags) {
    std::string left = "  ";
    left += f.short_name != 0 ? std::string("-") + f.short_name + ", " : "    ";
    left += Spelling(f);
    if (!IsBool(f)) left += std::string("=") + f.value_name;
    std::string right;
    if (const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(f.absl_name)) {
      right = flag->Help();
      const std::string def = flag->DefaultValue();
      if (!def.empty() && def != "false" && def != "0") right += " (default: " + def + ")";
    }
    rows.emplace_back(left, right);
  }
  rows.emplace_back("  -h, --help", "show this help");
  std::size_t width = 0;
  for (const auto& [l, r] : rows) width = std::max(width, l.size());
  for (const auto& [l, r] : rows) out += l + std::string(width - l.size() + 3, ' ') + r + "\n";
  return out;
}

}  // namespace lab::cli
