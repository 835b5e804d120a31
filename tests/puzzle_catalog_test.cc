// The puzzle catalog on disk (harness/grader/puzzles.h): the variants `lab demo` grades, in
// both dialects (lab:: at the top of a puzzle's folder, std:: under std/), and the shape of
// every bundled std/ folder.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "puzzles.h"

namespace {

namespace fs = std::filesystem;
using lab::grader::FindPuzzle;
using lab::grader::ListPuzzles;
using lab::grader::PuzzleInfo;
using lab::grader::PuzzleVariants;
using lab::grader::Variant;

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/lab-catalog-test-XXXXXX";
    path_ = mkdtemp(tmpl) != nullptr ? tmpl : "";
  }
  ~TempDir() {
    if (!path_.empty()) fs::remove_all(path_);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void Write(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << text;
}

std::string FirstLine(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return line;
}

TEST(PuzzleCatalog, VariantsOfBothDialectsLabFirstThenStd) {
  TempDir tmp;
  ASSERT_FALSE(tmp.path().empty());
  const std::string p = tmp.path() + "/counter";
  Write(p + "/spec.cpp", "");
  Write(p + "/starter.cpp", "");
  Write(p + "/reference.cpp", "");
  Write(p + "/buggy/b.cpp", "// lab-expect: data-race\n");
  Write(p + "/buggy/a.cpp", "// lab-expect: stall, wrong-output\n");
  Write(p + "/std/starter.cpp", "");
  Write(p + "/std/reference.cpp", "");
  Write(p + "/std/buggy/no_lock.cpp", "// lab-expect: data-race wrong-output\nint x;\n");
  Write(p + "/std/buggy/notes.txt", "not a variant\n");

  const std::optional<PuzzleInfo> info = FindPuzzle(tmp.path(), "counter");
  ASSERT_TRUE(info.has_value());
  EXPECT_TRUE(info->has_std_starter);
  EXPECT_TRUE(info->has_std_reference);
  EXPECT_EQ(info->std_starter_path(), p + "/std/starter.cpp");

  const std::vector<Variant> v = PuzzleVariants(*info);
  ASSERT_EQ(v.size(), 5u);
  EXPECT_EQ(v[0].name, "reference");
  EXPECT_TRUE(v[0].reference);
  EXPECT_EQ(v[1].name, "buggy/a");
  EXPECT_EQ(v[1].expected, (std::vector<std::string>{"stall", "wrong-output"}));
  EXPECT_EQ(v[2].name, "buggy/b");
  EXPECT_EQ(v[3].name, "std/reference");
  EXPECT_TRUE(v[3].reference);
  EXPECT_EQ(v[3].path, p + "/std/reference.cpp");
  EXPECT_EQ(v[4].name, "std/buggy/no_lock");
  EXPECT_FALSE(v[4].reference);
  EXPECT_EQ(v[4].path, p + "/std/buggy/no_lock.cpp");
  EXPECT_EQ(v[4].expected, (std::vector<std::string>{"data-race", "wrong-output"}));
}

TEST(PuzzleCatalog, APuzzleWithoutStdFolderHasLabVariantsOnly) {
  TempDir tmp;
  ASSERT_FALSE(tmp.path().empty());
  Write(tmp.path() + "/mini/reference.cpp", "");
  const std::optional<PuzzleInfo> info = FindPuzzle(tmp.path(), "mini");
  ASSERT_TRUE(info.has_value());
  EXPECT_FALSE(info->has_std_starter);
  EXPECT_FALSE(info->has_std_reference);
  const std::vector<Variant> v = PuzzleVariants(*info);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].name, "reference");
}

// Every bundled puzzle that comes in standard C++ comes complete (issue #11 item 6): a
// starter, a reference and at least two buggy variants, each declaring what it expects.
// Whether the lab finds it is `lab demo`'s job (the puzzles_demo test).
TEST(PuzzleCatalog, EveryBundledStdFolderIsComplete) {
  int with_std = 0;
  for (const PuzzleInfo& p : ListPuzzles(std::string(LAB_SOURCE_DIR) + "/puzzles")) {
    if (!fs::is_directory(p.dir + "/std")) continue;
    ++with_std;
    EXPECT_TRUE(p.has_std_starter) << p.name;
    EXPECT_TRUE(p.has_std_reference) << p.name;
    int buggy = 0;
    for (const Variant& v : PuzzleVariants(p)) {
      if (v.reference || v.name.rfind("std/", 0) != 0) continue;
      ++buggy;
      EXPECT_FALSE(v.expected.empty())
          << v.path << " starts with \"" << FirstLine(v.path) << "\", not `// lab-expect: <id> ...`";
    }
    EXPECT_GE(buggy, 2) << p.name << ": a std:: puzzle needs at least two buggy variants";
  }
  EXPECT_GE(with_std, 1);
}

}  // namespace
