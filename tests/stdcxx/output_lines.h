// The std:: suites run their scenario programs as child processes and read what they
// print line by line: one helper for the popen loop.
#pragma once

#include <cstdio>
#include <functional>
#include <string>

namespace lab::testing {

// Runs `cmd` with the shell (add `2>&1` for stderr too), appends everything it prints to
// `out` and hands each line, without its newline, to `on_line`. Returns pclose's status,
// or -1 when the command could not be started.
inline int ForEachOutputLine(const std::string& cmd, std::string& out,
                             const std::function<void(const std::string&)>& on_line) {
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return -1;
  char buf[8192];
  while (std::fgets(buf, sizeof buf, p) != nullptr) {
    std::string line(buf);
    out += line;
    if (!line.empty() && line.back() == '\n') line.pop_back();
    on_line(line);
  }
  return pclose(p);
}

// Runs `cmd`, appends everything it prints to `out`; returns pclose's status (-1: not started).
inline int RunCommand(const std::string& cmd, std::string& out) {
  return ForEachOutputLine(cmd, out, [](const std::string&) {});
}

}  // namespace lab::testing
