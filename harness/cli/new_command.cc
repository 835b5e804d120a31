// `lab new <puzzle> [file] [--std]`: copy a puzzle's starter to start a solution, written
// with the lab's primitives (starter.cpp) or, with --std, in standard C++ (std/starter.cpp).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "check_report.h"
#include "command.h"
#include "files.h"
#include "puzzles.h"

ABSL_FLAG(bool, new_std, false,
          "the standard-C++ starter (std::thread, std::mutex, std::condition_variable)");

namespace lab::cli {
namespace {

Command Self();

int Run(const std::vector<std::string>& args) {
  const Command cmd = Self();
  const std::string dir = grader::DefaultPuzzlesDir();
  const auto puzzle = grader::FindPuzzle(dir, args[0]);
  if (!puzzle) return UsageError(cmd, "unknown puzzle '" + args[0] + "' (lab list shows them)");
  const bool use_std = absl::GetFlag(FLAGS_new_std);
  const bool has = use_std ? puzzle->has_std_starter : puzzle->has_starter;
  const std::string path = use_std ? puzzle->std_starter_path() : puzzle->starter_path();
  std::string starter;
  if (!has || !grader::ReadFile(path, &starter)) {
    return UsageError(cmd, "puzzle '" + puzzle->name + "' has no " +
                               (use_std ? "std/starter.cpp (no standard-C++ starter)"
                                        : "starter.cpp"));
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
  std::printf("created %s from the %s%s starter\nnext: edit it, then run  lab check %s %s\n",
              file.c_str(), puzzle->name.c_str(), use_std ? " standard-C++" : "",
              grader::ShellQuote(puzzle->name).c_str(), grader::ShellQuote(file).c_str());
  return kExitOk;
}

Command Self() {
  return {"new",
          "<puzzle> [file]",
          "copy a puzzle's starter into a new file (default <puzzle>.cpp)",
          "Refuses to overwrite an existing file. The starter uses the lab's primitives\n"
          "(lab::Mutex, lab::CondVar, lab::Shared from \"lab/sync.h\"); with --std it is the\n"
          "same exercise in standard C++ (std::thread, std::mutex, std::condition_variable,\n"
          "plain variables). `lab check` grades either kind with the same spec.",
          {{"std", 0, "new_std", ""}},
          1,
          2,
          &Run};
}

}  // namespace

Command NewCommand() { return Self(); }

}  // namespace lab::cli
