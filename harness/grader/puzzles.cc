// The puzzle catalog on disk. See puzzles.h.
#include "puzzles.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "files.h"
#include "lab_build_config.h"

namespace lab::grader {
namespace {

bool IsDir(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool IsFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}


bool PlainName(std::string_view name) {
  if (name.empty() || name == "." || name == ".." || name[0] == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == '.';
  });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

PuzzleInfo Describe(const std::string& dir, const std::string& name) {
  PuzzleInfo p;
  p.name = name;
  p.dir = dir + "/" + name;
  std::string readme;
  if (ReadFile(p.dir + "/README.md", &readme, 1 << 20)) p.teaches = ReadmeTeachesLine(readme);
  p.has_spec = IsFile(p.spec_path());
  p.has_starter = IsFile(p.starter_path());
  p.has_reference = IsFile(p.reference_path());
  p.has_std_starter = IsFile(p.std_starter_path());
  p.has_std_reference = IsFile(p.std_reference_path());
  return p;
}

}  // namespace

std::string DefaultPuzzlesDir() {
  const char* env = std::getenv("LAB_PUZZLES_DIR");
  return AbsolutePath(env != nullptr && env[0] != '\0' ? env : LAB_PUZZLES_DIR);
}

std::vector<PuzzleInfo> ListPuzzles(const std::string& dir) {
  std::vector<PuzzleInfo> out;
  const std::string abs = AbsolutePath(dir);
  for (const std::string& name : ListDir(abs)) {
    if (PlainName(name) && IsDir(abs + "/" + name)) out.push_back(Describe(abs, name));
  }
  return out;
}

std::optional<PuzzleInfo> FindPuzzle(const std::string& dir, std::string_view name) {
  if (!PlainName(name)) return std::nullopt;
  const std::string abs = AbsolutePath(dir);
  if (!IsDir(abs + "/" + std::string(name))) return std::nullopt;
  return Describe(abs, std::string(name));
}

namespace {

// The reference and buggy variants of one dialect: `root` is the puzzle's folder (lab::) or
// its std/ folder, and every variant's name starts with `prefix` ("" or "std/").
void AddVariants(const std::string& root, const std::string& prefix, std::vector<Variant>* out) {
  if (IsFile(root + "/reference.cpp")) {
    out->push_back({prefix + "reference", root + "/reference.cpp", true, {}});
  }
  const std::string buggy = root + "/buggy";
  for (const std::string& name : ListDir(buggy)) {
    if (name.size() <= 4 || name.substr(name.size() - 4) != ".cpp") continue;
    const std::string path = buggy + "/" + name;
    if (!IsFile(path)) continue;
    Variant v;
    v.name = prefix + "buggy/" + name.substr(0, name.size() - 4);
    v.path = path;
    std::string text;
    if (ReadFile(path, &text, 1 << 20)) {
      v.expected = ParseLabExpect(std::string_view(text).substr(0, text.find('\n')));
    }
    out->push_back(std::move(v));
  }
}

}  // namespace

std::vector<Variant> PuzzleVariants(const PuzzleInfo& puzzle) {
  std::vector<Variant> out;
  AddVariants(puzzle.dir, "", &out);
  AddVariants(puzzle.dir + "/std", "std/", &out);
  return out;
}

std::vector<std::string> ParseLabExpect(std::string_view line) {
  line = Trim(line);
  constexpr std::string_view kMarker = "lab-expect:";
  if (!line.starts_with("//")) return {};
  line.remove_prefix(2);
  line = Trim(line);
  if (!line.starts_with(kMarker)) return {};
  line.remove_prefix(kMarker.size());
  std::vector<std::string> ids;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == ',' || line[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != ',' && line[j] != '\t') ++j;
    if (j > i) ids.emplace_back(line.substr(i, j - i));
    i = j;
  }
  return ids;
}

std::string ReadmeTeachesLine(std::string_view readme) {
  bool after_title = false;
  std::size_t pos = 0;
  while (pos < readme.size()) {
    const std::size_t nl = std::min(readme.find('\n', pos), readme.size());
    const std::string_view line = Trim(readme.substr(pos, nl - pos));
    pos = nl + 1;
    if (!after_title) {
      after_title = line.starts_with("#");
      continue;
    }
    if (!line.empty()) return std::string(line);
  }
  return "";
}

}  // namespace lab::grader
