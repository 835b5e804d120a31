// Precompiled lab headers for the submission compile. See compile_pch.h.
#include "compile_pch.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sha256.h"

extern char** environ;

namespace lab::grader {

const char* const kPchInclude = "lab/grader_pch.h";

namespace {

constexpr const char* kManifest = "manifest";

std::string KeyOf(const std::string& cxx, const std::vector<std::string>& flags) {
  Sha256 h;
  h.Update(cxx);
  for (const std::string& f : flags) {
    h.Update(std::string_view("\n", 1));
    h.Update(f);
  }
  return h.HexDigest().substr(0, 20);
}

// "<size> <mtime seconds>.<nanoseconds>" of a file, "" when it cannot be read.
std::string Stamp(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return "";
  char buf[96];
  std::snprintf(buf, sizeof buf, "%lld %lld.%09ld", static_cast<long long>(st.st_size),
                static_cast<long long>(st.st_mtim.tv_sec), st.st_mtim.tv_nsec);
  return buf;
}

bool ReadAll(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

// Written whole or not at all (a reader sees the old file or the new one).
bool WriteAtomically(const std::string& path, const std::string& data) {
  const std::string tmp = path + ".tmp" + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!(out << data) || !out.flush()) return false;
  }
  return rename(tmp.c_str(), path.c_str()) == 0;
}

// Runs argv (trusted: the lab's own headers), stdout and stderr into `log`; the exit status,
// or -1 when it could not run or died of a signal.
int Run(const std::vector<std::string>& argv, const std::string& log) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The files of a Make-style dependency list ("out: a b \\\n c"), in order.
std::vector<std::string> DependencyFiles(const std::string& text) {
  std::vector<std::string> files;
  std::string cur;
  bool after_target = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size() && (text[i + 1] == '\n' || text[i + 1] == ' ')) {
      if (text[i + 1] == ' ') cur += ' ';  // an escaped space inside a path
      ++i;
      continue;
    }
    if (c == ' ' || c == '\n' || c == '\t') {
      if (!cur.empty() && after_target) files.push_back(cur);
      cur.clear();
      continue;
    }
    if (c == ':' && !after_target && (i + 1 == text.size() || text[i + 1] == ' ' ||
                                      text[i + 1] == '\n')) {
      after_target = true;
      cur.clear();
      continue;
    }
    cur += c;
  }
  if (!cur.empty() && after_target) files.push_back(cur);
  return files;
}

std::string Tail(const std::string& log) {
  return log.size() > 600 ? "..." + log.substr(log.size() - 600) : log;
}

}  // namespace

std::string FindPrecompiledHeader(const std::string& root, const std::string& cxx,
                                  const std::vector<std::string>& flags) {
  if (root.empty()) return "";
  const std::string dir = root + "/" + KeyOf(cxx, flags);
  std::string manifest;
  if (!ReadAll(dir + "/" + kManifest, &manifest) || manifest.empty()) return "";
  std::istringstream lines(manifest);
  std::string line;
  while (std::getline(lines, line)) {
    // "<size> <mtime> <path>": the path is the rest of the line.
    const std::size_t a = line.find(' ');
    const std::size_t b = a == std::string::npos ? a : line.find(' ', a + 1);
    if (b == std::string::npos) return "";
    if (Stamp(line.substr(b + 1)) != line.substr(0, b)) return "";
  }
  return dir;
}

bool BuildPrecompiledHeader(const std::string& root, const std::string& cxx,
                            const std::vector<std::string>& flags, const std::string& header,
                            std::string* error) {
  const auto fail = [error](std::string why) {
    *error = std::move(why);
    return false;
  };
  char real[4096];
  if (realpath(cxx.c_str(), real) != nullptr && std::string(real).find("clang") != std::string::npos) {
    return fail("clang: the grader precompiles headers for GCC only");
  }
  const std::string dir = root + "/" + KeyOf(cxx, flags);
  std::error_code ec;
  std::filesystem::create_directories(dir + "/lab", ec);
  if (ec) return fail("cannot create " + dir + ": " + ec.message());
  // Unusable from here until the new manifest is in place.
  unlink((dir + "/" + kManifest).c_str());
  const std::string copy = dir + "/lab/grader_pch.h";
  std::string text;
  if (!ReadAll(header, &text)) return fail("cannot read " + header);
  if (!WriteAtomically(copy, text)) return fail("cannot write " + copy);

  const std::string gch = copy + ".gch", deps = dir + "/deps.d", log = dir + "/build.log";
  const std::string gch_tmp = gch + ".tmp" + std::to_string(getpid());
  std::vector<std::string> argv = {cxx};
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.insert(argv.end(), {"-x", "c++-header", copy, "-o", gch_tmp, "-MD", "-MF", deps});
  if (Run(argv, log) != 0) {
    std::string out;
    ReadAll(log, &out);
    unlink(gch_tmp.c_str());
    return fail("precompiling " + header + " failed: " + Tail(out));
  }
  if (rename(gch_tmp.c_str(), gch.c_str()) != 0) return fail("cannot rename " + gch_tmp);

  // GCC refuses a mismatched .gch in silence: ask it (-H marks a used one with '!').
  const std::string probe = dir + "/probe.cpp", probe_log = dir + "/probe.log";
  if (!WriteAtomically(probe, std::string("#include \"") + kPchInclude + "\"\nint lab_pch_probe;\n")) {
    return fail("cannot write " + probe);
  }
  argv = {cxx, "-I", dir};
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.insert(argv.end(), {"-H", "-c", probe, "-o", dir + "/probe.o"});
  const int probe_rc = Run(argv, probe_log);
  std::string probe_out;
  ReadAll(probe_log, &probe_out);
  unlink(probe.c_str());
  unlink((dir + "/probe.o").c_str());
  if (probe_rc != 0 || probe_out.find("! " + gch) == std::string::npos) {
    unlink(gch.c_str());
    return fail("GCC does not use the precompiled header it built: " + Tail(probe_out));
  }

  std::string deps_text;
  if (!ReadAll(deps, &deps_text)) return fail("cannot read " + deps);
  std::vector<std::string> files = DependencyFiles(deps_text);
  files.push_back(header);  // the source of the copy
  files.push_back(gch);
  std::string manifest;
  for (const std::string& f : files) {
    const std::string stamp = Stamp(f);
    if (stamp.empty() || f.find('\n') != std::string::npos) return fail("cannot stat " + f);
    manifest += stamp + " " + f + "\n";
  }
  std::string about = cxx;
  for (const std::string& f : flags) about += " " + f;
  WriteAtomically(dir + "/flags.txt", about + "\n");
  if (!WriteAtomically(dir + "/" + kManifest, manifest)) return fail("cannot write the manifest");
  return true;
}

}  // namespace lab::grader
