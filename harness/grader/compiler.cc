// Compiling a submission in the sandbox and trimming what the compiler says. See compiler.h.
#include "compiler.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "binary_check.h"
#include "interposition_check.h"
#include "compile_command.h"
#include "compile_pch.h"
#include "lab_build_config.h"
#include "names.h"
#include "sandbox.h"
#include "source_guard.h"

namespace lab::grader {
namespace {

constexpr const char* kWrapperName = "lab_main.cpp";
// What LeetCode compiles before every C++ answer, which its answers rely on without
// writing it (`mutex m;`, `condition_variable cv;`). Added only when the file as written
// does not compile, so it cannot change the meaning of code that compiles without it.
constexpr const char* kLeetCodePrelude = "#include <bits/stdc++.h>\nusing namespace std;\n";
constexpr const char* kSpecName = "spec.cpp";
constexpr const char* kDefaultBinary = "submission";
constexpr std::size_t kMaxSpecBytes = 4 << 20;
constexpr std::size_t kCompilerOutputBytes = 4 << 20;  // per stream; more stops the compiler

std::string ErrnoText(int err) {
  char buf[128];
  return strerror_r(err, buf, sizeof buf);  // GNU variant
}

bool IsRegularFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

enum class ReadStatus { kOk, kMissing, kSymlink, kNotRegular, kTooLarge, kError };

// Reads a regular file of at most `max` bytes. A symlink as the last component is not
// followed (as root, following one planted in a class folder would leak any file); a FIFO
// or device is refused without blocking on it.
ReadStatus ReadSource(const std::string& path, std::size_t max, std::string* out, int* err) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) {
    *err = errno;
    return errno == ENOENT || errno == ENOTDIR ? ReadStatus::kMissing : ReadStatus::kError;
  }
  if (S_ISLNK(st.st_mode)) return ReadStatus::kSymlink;
  if (!S_ISREG(st.st_mode)) return ReadStatus::kNotRegular;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    *err = errno;
    return ReadStatus::kError;
  }
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return ReadStatus::kNotRegular;
  }
  out->clear();
  char buf[65536];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *err = errno;
      close(fd);
      return ReadStatus::kError;
    }
    if (n == 0) break;
    out->append(buf, static_cast<std::size_t>(n));
    if (out->size() > max) {
      close(fd);
      return ReadStatus::kTooLarge;
    }
  }
  close(fd);
  return ReadStatus::kOk;
}

// Writes a new file in the workdir; never through a symlink a previous run may have left.
bool WriteWorkFile(const std::string& path, std::string_view data, int* err) {
  unlink(path.c_str());
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    *err = errno;
    return false;
  }
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *err = errno;
      close(fd);
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return close(fd) == 0;
}

std::string DirName(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
}

std::string FormatSeconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, s == static_cast<long long>(s) ? "%.0f" : "%.1f", s);
  return buf;
}

bool MentionsOutOfMemory(std::string_view log) {
  for (const char* s :
       {"out of memory", "virtual memory exhausted", "Cannot allocate memory", "std::bad_alloc"}) {
    if (log.find(s) != std::string_view::npos) return true;
  }
  return false;
}

// Whether a failed compile's log says a name was not declared (GCC's and Clang's words):
// what an answer written for LeetCode's prelude gives without it.
bool NamesUndeclared(std::string_view log) {
  for (std::string_view s : {"' does not name a type", "' was not declared in this scope",
                             "' has not been declared", "use of undeclared identifier",
                             "unknown type name", "'std::"}) {
    if (log.find(s) != std::string_view::npos) return true;
  }
  return false;
}

// The first error the compiler gave in the student's file (`source_name`, as the wrapper
// includes it: bare, or after a directory), as "file:line:col: error: ...", or "".
std::string FirstErrorIn(std::string_view log, const std::string& source_name) {
  std::size_t at = 0;
  while (at < log.size()) {
    std::size_t end = log.find('\n', at);
    if (end == std::string_view::npos) end = log.size();
    std::string_view line = log.substr(at, end - at);
    at = end + 1;
    const std::size_t name = line.find(source_name + ":");
    if (name == std::string_view::npos || (name > 0 && line[name - 1] != '/')) continue;
    if (line.find(": error: ") == std::string_view::npos) continue;
    return std::string(line.substr(name));
  }
  return "";
}

CompileResult CompileImpl(const CompileRequest& in) {
  CompileResult res;
  const auto setup = [&res](std::string message) {
    res.setup_error = true;
    res.message = std::move(message);
    return res;
  };
  const ResolvedLab lab = ResolveLab(in);
  const std::string &cxx = lab.cxx, &pub = lab.pub, &spec_inc = lab.spec_inc;
  const std::vector<std::string>& include_dirs = lab.include_dirs;
  const std::string &lib_lab = lab.lib_lab, &lib_spec = lab.lib_spec, &lib_main = lab.lib_main;
  const std::string& lib_std = lab.lib_std;
  const bool std_dialect = !lib_std.empty();

  // The lab itself.
  if (access(cxx.c_str(), X_OK) != 0) {
    return setup("the C++ compiler '" + cxx + "' is missing: re-run cmake and make");
  }
  for (const std::string& needed :
       {pub + "/lab/sync.h", spec_inc + "/lab/spec.h", spec_inc + "/lab/spec_guard.h",
        spec_inc + "/" + kPchInclude}) {
    if (!IsRegularFile(needed)) return setup("lab is not built: run make (missing " + needed + ")");
  }
  for (const std::string& needed : {lib_lab, lib_spec, lib_main}) {
    if (!IsRegularFile(needed)) return setup("lab is not built: run make (missing " + needed + ")");
  }
  const std::string no_libtsan = LAB_NO_LIBTSAN_DIR;
  if (std_dialect) {
    for (const std::string& needed :
         {lib_std, no_libtsan + "/libtsan.so", std::string(LAB_TLS_BEGIN), std::string(LAB_TLS_END)}) {
      if (!IsRegularFile(needed)) return setup("lab is not built: run make (missing " + needed + ")");
    }
  }

  std::string workdir = std::filesystem::path(in.workdir).lexically_normal().string();
  while (workdir.size() > 1 && workdir.back() == '/') workdir.pop_back();
  if (workdir.empty() || workdir[0] != '/' || !IsDirectory(workdir)) {
    return setup("compile workdir '" + in.workdir + "' is not an absolute path to a directory");
  }

  // The inputs.
  std::string spec, source;
  int err = 0;
  if (ReadSource(in.spec_path, kMaxSpecBytes, &spec, &err) != ReadStatus::kOk) {
    return setup("cannot read the puzzle spec '" + in.spec_path + "'" +
                 (err != 0 ? ": " + ErrnoText(err) : ""));
  }
  err = 0;
  switch (ReadSource(in.submission_path, in.max_source_bytes, &source, &err)) {
    case ReadStatus::kOk:
      break;
    case ReadStatus::kMissing:
      return setup("submission not found: " + in.submission_path);
    case ReadStatus::kNotRegular:
      return setup("submission is not a regular file: " + in.submission_path);
    case ReadStatus::kError:
      return setup("cannot read the submission '" + in.submission_path + "': " + ErrnoText(err));
    case ReadStatus::kSymlink:
      res.message = "the submission is a symbolic link; submit the file itself";
      return res;
    case ReadStatus::kTooLarge:
      res.message = "the submission is larger than " + std::to_string(in.max_source_bytes) +
                    " bytes; it was not compiled";
      return res;
  }

  // An empty or binary file would only show the spec's errors (the class is missing) or
  // pages of "stray '\177' in program": say what the file is instead.
  if (source.find_first_not_of(" \t\r\n\f\v") == std::string::npos) {
    res.message = "the file is empty" +
                  std::string(source.empty() ? " (0 bytes)" : " (only white space)") +
                  ": write the puzzle's class in it (lab new <puzzle> copies the starter)";
    return res;
  }
  if (source.find('\0') != std::string::npos) {
    res.message = "the file is not C++ source text (it holds NUL bytes: a binary file, or "
                  "text saved as UTF-16?); submit the .cpp file with your solution";
    return res;
  }
  // The spec comes after the submission in one translation unit: every macro the
  // submission defines is saved before it and restored after it (source_guard.h).
  const SourceScan scan = ScanSource(source);
  if (!scan.refusal.empty()) {
    res.message = scan.refusal;
    return res;
  }
  res.source_name = SubmissionFileName(in.submission_path);
  // Types the puzzle gives the solution (web_crawler's HtmlParser) come before it, as on
  // LeetCode: lab/puzzles/<puzzle>.h, the puzzle named by the folder of its spec.cpp.
  const std::string puzzle = std::filesystem::path(in.spec_path).parent_path().filename();
  const std::string given = "lab/puzzles/" + puzzle + ".h";
  const bool has_given = !puzzle.empty() && puzzle.find_first_not_of(
      "abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos &&
      IsRegularFile(spec_inc + "/" + given);
  // lab/grader_pch.h: lab/sync.h, lab/spec.h and common standard headers, precompiled.
  // `prelude`: what LeetCode puts before every answer (see kLeetCodePrelude).
  const auto wrapper_text = [&](std::string_view prelude) {
    return std::string("#include \"") + kPchInclude + "\"\n" +
           (has_given ? "#include \"" + given + "\"\n" : "") + std::string(prelude) +
           MacroSaveText(scan.macro_names) + "#include \"" + res.source_name + "\"\n" +
           MacroRestoreText(scan.macro_names) + "#include \"lab/spec_guard.h\"\n" +
           "#include \"" + kSpecName + "\"\n";
  };
  const std::string wrapper = wrapper_text("");
  for (const auto& [name, data] :
       {std::pair<std::string, std::string_view>{res.source_name, source},
        {kSpecName, spec},
        {kWrapperName, wrapper}}) {
    if (!WriteWorkFile(workdir + "/" + name, data, &err)) {
      return setup("cannot write " + name + " into the workdir: " + ErrnoText(err));
    }
  }

  std::string binary = in.output_binary.empty() ? kDefaultBinary : in.output_binary;
  if (binary[0] != '/') binary = workdir + "/" + binary;
  binary = std::filesystem::path(binary).lexically_normal().string();
  if (!binary.starts_with(workdir + "/")) {
    return setup("output binary '" + in.output_binary + "' is not inside the workdir");
  }
  unlink(binary.c_str());

  const CommandParts cmd = BuildCommand(in, lab);
  // The lab's headers precompiled for exactly these flags, when there are (compile_pch.h).
  const std::string pch_dir =
      cmd.clang ? std::string()
                : FindPrecompiledHeader(in.pch_root.value_or(LAB_PCH_DIR), cxx, cmd.flags);
  res.precompiled_header = !pch_dir.empty();
  std::vector<std::string> argv = {cxx};
  if (!pch_dir.empty()) argv.insert(argv.end(), {"-I", pch_dir});
  argv.insert(argv.end(), cmd.flags.begin(), cmd.flags.end());
  if (in.trace_includes) argv.push_back("-H");
  argv.insert(argv.end(), cmd.first.begin(), cmd.first.end());
  argv.insert(argv.end(), {kWrapperName, "-o", binary});
  const std::size_t link_at = argv.size();
  argv.insert(argv.end(), cmd.link.begin(), cmd.link.end());

  SandboxRequest sb;
  sb.argv = std::move(argv);
  sb.env = {"PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C", "LANG=C", "TMPDIR=" + workdir,
            "HOME=" + workdir};
  sb.workdir = workdir;
  // The toolchain and these paths only: no /etc/passwd, no class folder, no puzzle folder.
  sb.root = SandboxRoot::kToolchain;
  sb.readonly_paths = include_dirs;
  sb.readonly_paths.insert(sb.readonly_paths.end(),
                           {lib_lab, lib_spec, lib_main, DirName(Canonical(cxx))});
  if (std_dialect) {
    sb.readonly_paths.insert(sb.readonly_paths.end(),
                             {lib_std, no_libtsan, LAB_TLS_BEGIN, LAB_TLS_END});
  }
  if (!pch_dir.empty()) sb.readonly_paths.push_back(pch_dir);
  sb.limits.cpu_seconds = in.time_limit_s;
  sb.limits.wall_seconds = in.time_limit_s;
  sb.limits.address_space_bytes = in.memory_limit_bytes;
  sb.limits.memory_bytes = in.memory_limit_bytes;
  sb.limits.file_size_bytes = 512ull << 20;
  sb.limits.open_files = 256;
  sb.limits.max_processes = 32;
  sb.limits.output_bytes = kCompilerOutputBytes;
  sb.want_result_channel = false;
  sb.network = false;

  SandboxResult r = RunSandboxed(sb);
  std::string prelude_error;  // the retry's first error, when the LeetCode prelude fails too
  res.seconds = r.wall_seconds;
  if (r.started && (r.exit_code != 0 || r.term_signal != 0) && !r.wall_timeout && !r.cpu_limit &&
      !r.memory_limit && !r.output_limit &&
      r.stderr_data.find("ld.lld: ") != std::string::npos) {
    // lld failed: the same command with the default linker, so that what the student reads
    // ("undefined reference to", "multiple definition of `main'") does not depend on it.
    auto fast = std::find_if(sb.argv.begin() + static_cast<std::ptrdiff_t>(link_at), sb.argv.end(),
                             [](const std::string& a) { return a.starts_with("-fuse-ld="); });
    if (fast != sb.argv.end()) {
      sb.argv.erase(fast);
      unlink(binary.c_str());
      r = RunSandboxed(sb);
      res.seconds += r.wall_seconds;
    }
  }
  if (r.started && (r.exit_code != 0 || r.term_signal != 0) && !r.wall_timeout &&
      !r.cpu_limit && !r.memory_limit && !r.output_limit &&
      NamesUndeclared(r.stderr_data)) {
    // A LeetCode answer as pasted: it names std:: types and functions unqualified (or
    // without their #include), relying on the prelude LeetCode compiles every answer with.
    // Compiled once more with that prelude; when that fails too, the student reads the
    // messages of the file as written, and after them the first error with the prelude:
    // the one left to fix (a typo among a LeetCode answer's unqualified names was buried
    // under "'function' has not been declared" and the spec's own errors).
    if (WriteWorkFile(workdir + "/" + kWrapperName, wrapper_text(kLeetCodePrelude), &err)) {
      unlink(binary.c_str());
      SandboxResult again = RunSandboxed(sb);
      res.seconds += again.wall_seconds;
      if (again.started && again.exit_code == 0 && again.term_signal == 0 &&
          IsRegularFile(binary)) {
        r = std::move(again);
      } else if (again.started && !again.wall_timeout && !again.cpu_limit &&
                 !again.memory_limit && !again.output_limit) {
        prelude_error = FirstErrorIn(again.stderr_data, res.source_name);
      }
    }
  }
  res.raw_log = r.stdout_data + r.stderr_data;
  if (!r.started) return setup("cannot run the compiler: " + r.error);

  if (r.wall_timeout || r.cpu_limit) {
    res.message = "compilation exceeded the time limit of " + FormatSeconds(in.time_limit_s) +
                  " s and was stopped (an #include of a device or a template or constexpr "
                  "computation that does not end?)";
    return res;
  }
  const bool failed = r.exit_code != 0 || r.term_signal != 0;
  if (r.memory_limit || (failed && MentionsOutOfMemory(res.raw_log))) {
    res.message = "compilation exceeded the memory limit of " +
                  std::to_string(in.memory_limit_bytes >> 20) + " MiB and was stopped";
    return res;
  }
  if (r.file_size_limit) {
    res.message = "the compiler's output exceeded the file-size limit and was stopped";
    return res;
  }
  if (!failed && IsRegularFile(binary)) {
    // Code that would run before the runner reads its key (binary_check.h).
    // And no function of a library the program uses replaced (interposition_check.h).
    std::vector<std::string> archives = {lab.lib_main, lab.lib_spec, lab.lib_lab};
    if (!lab.lib_std.empty()) archives.push_back(lab.lib_std);
    std::string why = CheckLinkedProgram(binary, lab.lib_std.empty());
    if (why.empty()) why = CheckInterposition(binary, archives);
    if (!why.empty()) {
      unlink(binary.c_str());
      res.message = std::move(why);
      return res;
    }
    res.ok = true;
    res.binary_path = binary;
    return res;
  }

  // A library the lab links against is missing: the grader's problem, not the student's.
  if (const std::size_t miss = res.raw_log.find("cannot find -l"); miss != std::string::npos) {
    const std::size_t end = std::min(res.raw_log.find('\n', miss), res.raw_log.size());
    return setup("the lab's link dependencies are missing (" +
                 CleanOutput(std::string_view(res.raw_log).substr(miss, end - miss), 200) +
                 "): run make");
  }
  if (std::string plain = ExplainCompileFailure(res.raw_log, res.source_name); !plain.empty()) {
    res.message = std::move(plain);
    return res;
  }
  std::vector<std::string> strip = {workdir + "/"};
  for (const std::string& dir : include_dirs) strip.push_back(dir + "/");
  res.message = TrimDiagnostics(res.raw_log, res.source_name, strip, in.output_cap);
  if (!prelude_error.empty()) {
    res.message += "With LeetCode's prelude (#include <bits/stdc++.h> and using namespace std;, "
                   "which the lab adds when a file relies on it) the file fails too; its first "
                   "error there:\n  " + CleanOutput(prelude_error, 400) + "\n";
  }
  if (r.output_limit) {
    // Stopped by the sandbox: what it said up to the cap is above.
    res.message += "[the compiler's messages passed the output limit of " +
                   std::to_string(kCompilerOutputBytes >> 20) + " MiB and it was stopped]\n";
  } else if (res.message.empty()) {
    res.message = r.term_signal != 0
                      ? "the compiler was killed by signal " + std::to_string(r.term_signal)
                      : "compilation failed (compiler exit status " + std::to_string(r.exit_code) +
                            ") without a diagnostic about " + res.source_name;
  }
  return res;
}

}  // namespace

std::string SubmissionFileName(std::string_view submission_path) {
  std::string_view base = submission_path;
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  if (const auto slash = base.rfind('/'); slash != std::string_view::npos) {
    base.remove_prefix(slash + 1);
  }
  std::string ext = ".cpp";
  if (const auto dot = base.rfind('.'); dot != std::string_view::npos && dot > 0) {
    std::string e(base.substr(dot));
    for (char& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::string_view known : {".cpp", ".cc", ".cxx", ".c++", ".h", ".hh", ".hpp"}) {
      if (e == known) {
        ext = e;
        base = base.substr(0, dot);
        break;
      }
    }
  }
  // A base already safe in a path and a shell word keeps its exact spelling: the report's
  // sites and its replay command name the student's own file ("my__answer.cpp", not the
  // gradebook form "my_answer.cpp", whose '_' runs collapse).
  const bool safe =
      !base.empty() && base.size() <= kMaxStudentNameBytes && base.front() != '-' &&
      base.front() != '.' && base.find("..") == std::string_view::npos &&
      std::all_of(base.begin(), base.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
      });
  std::string name = (safe ? std::string(base) : SanitizeStudentName(base)) + ext;
  if (name == kSpecName || name == kWrapperName) name = "submission.cpp";
  return name;
}

bool PrecompileLabHeaders(const CompileRequest& req, std::string* error) {
  try {
    const ResolvedLab lab = ResolveLab(req);
    const CommandParts cmd = BuildCommand(req, lab);
    if (cmd.clang) {
      *error = "clang: the grader precompiles headers for GCC only";
      return false;
    }
    const std::string root = req.pch_root.value_or(LAB_PCH_DIR);
    // Up to date (every input as it was): nothing to do. So `make` can ask every time, and
    // an upgraded compiler or standard library is noticed.
    if (!FindPrecompiledHeader(root, lab.cxx, cmd.flags).empty()) return true;
    return BuildPrecompiledHeader(root, lab.cxx, cmd.flags, lab.spec_inc + "/" + kPchInclude,
                                  error);
  } catch (const std::exception& e) {
    *error = e.what();
    return false;
  }
}

CompileResult CompileSubmission(const CompileRequest& req) {
  try {
    return CompileImpl(req);
  } catch (const std::exception& e) {
    CompileResult r;
    r.setup_error = true;
    r.message = std::string("compile: ") + e.what();
    return r;
  } catch (...) {
    CompileResult r;
    r.setup_error = true;
    r.message = "compile: unexpected exception";
    return r;
  }
}

}  // namespace lab::grader
