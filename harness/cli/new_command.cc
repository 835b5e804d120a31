// `lab new <puzzle> [file]`: copy a puzzle's starter to start a solution.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "check_report.h"
#include "command.h"
#include "files.h"
#include "puzzles.h"

namespace lab::cli {
namespace {

Command Self();

int Run(const std::vector<std::string>& args) {
  const Command cmd = Self();
  const std::string dir = grader::DefaultPuzzlesDir();
  const auto puzzle = grader::FindPuzzle(dir, args[0]);
  if (!puzzle) return UsageError(cmd, "unknown puzzle '" + args[0] + "' (lab list shows them)");
  std::string starter;
  if (!puzzle->has_starter || !grader::ReadFile(puzzle->starter_path(), &starter)) {
    return UsageError(cmd, "puzzle '" + puzzle->name + "' has no starter.cpp");
  }
  const std::string file = args.size() > 1 ? args[1] : puzzle->name + ".cpp";
  // O_EXCL: never overwrite a student's work, even if it appears between a check and the open.
  const int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == EEXIST) {
      return UsageError(cmd, file + " already exists; not overwriting it (name another file: lab new " +
                                 puzzle->name + " <file>)");
    }
    return UsageError(cmd, "cannot create " + file + ": " + std::strerror(errno));
  }
  std::size_t done = 0;
  while (done < starter.size()) {
    const ssize_t n = write(fd, starter.data() + done, starter.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      close(fd);
      return UsageError(cmd, "cannot write " + file + ": " + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  close(fd);
  std::printf("created %s from the %s starter\nnext: edit it, then run  lab check %s %s\n",
              file.c_str(), puzzle->name.c_str(), grader::ShellQuote(puzzle->name).c_str(),
              grader::ShellQuote(file).c_str());
  return kExitOk;
}

Command Self() {
  return {"new", "<puzzle> [file]", "copy a puzzle's starter into a new file (default <puzzle>.cpp)",
          "Refuses to overwrite an existing file.", {}, 1, 2, &Run};
}

}  // namespace

Command NewCommand() { return Self(); }

}  // namespace lab::cli
