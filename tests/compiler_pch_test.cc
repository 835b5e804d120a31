// Tests of the precompiled lab headers (harness/grader/compile_pch.h) and of the linker the
// grader uses (lld with a fallback to the default linker): the precompiled header is used
// only when it matches (GCC's -H output says so), a changed input or other flags turn it
// off without changing the result, and a link error reads the same whichever linker ran.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "compile_pch.h"
#include "compiler.h"
#include "lab_build_config.h"
#include "sandbox.h"

namespace lab::grader {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = "/tmp/lab-pch-test-XXXXXX";
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
    chmod(path_.c_str(), 0755);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << text;
}

bool UsedPch(const CompileResult& c) {
  return c.raw_log.find("! ") != std::string::npos &&
         c.raw_log.find("lab/grader_pch.h.gch") != std::string::npos;
}

// A throwaway lab of the real one's shape (as in compiler_test.cc), without the std::
// dialect: sync.h, spec.h, spec_guard.h, grader_pch.h and three tiny archives.
class PchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string& r = dir_.path();
    WriteFile(r + "/include/lab/sync.h",
              "#pragma once\n#include <vector>\nnamespace lab { int Answer(); }\n");
    WriteFile(r + "/spec/lab/spec.h", "#pragma once\nint LabSpecRun();\n");
    WriteFile(r + "/spec/lab/spec_guard.h", "#pragma once\n");
    WriteFile(r + "/spec/lab/grader_pch.h",
              "#pragma once\n#include \"lab/sync.h\"\n#include \"lab/spec.h\"\n");
    WriteFile(r + "/src/lab.cc", "namespace lab { int Answer() { return 42; } }\n");
    WriteFile(r + "/src/spec.cc", "int LabSpecHelper() { return 0; }\n");
    WriteFile(r + "/src/main.cc", "int LabSpecRun();\nint main() { return LabSpecRun(); }\n");
    for (const std::string name : {"lab", "spec", "spec_main"}) {
      const std::string src = name == "spec_main" ? "main" : name;
      const std::string cmd = std::string(LAB_CXX_COMPILER) + " -std=c++20 -c " + r + "/src/" +
                              src + ".cc -o " + r + "/src/" + src + ".o && mkdir -p " + r +
                              "/lib && ar rcs " + r + "/lib/lib" +
                              (name == "lab" ? "lab" : "lab_" + name) + ".a " + r + "/src/" +
                              src + ".o";
      ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    }
    WriteFile(r + "/puzzle/spec.cpp",
              "int LabSpecRun() {\n  FizzBuzz fb(lab::Answer());\n  return fb.n() == 42 ? 0 : 1;\n}\n");
    WriteFile(r + "/class/fizzbuzz.cpp",
              "class FizzBuzz {\n public:\n  explicit FizzBuzz(int n) : n_(n) {}\n"
              "  int n() const { return n_; }\n\n private:\n  int n_;\n};\n");
    ASSERT_EQ(mkdir((r + "/work").c_str(), 0700), 0);
  }

  CompileRequest Request() const {
    const std::string& r = dir_.path();
    CompileRequest req;
    req.submission_path = r + "/class/fizzbuzz.cpp";
    req.spec_path = r + "/puzzle/spec.cpp";
    req.workdir = r + "/work";
    req.public_include_dir = r + "/include";
    req.spec_include_dir = r + "/spec";
    req.lib_lab = r + "/lib/liblab.a";
    req.lib_spec = r + "/lib/liblab_spec.a";
    req.lib_spec_main = r + "/lib/liblab_spec_main.a";
    req.sanitize_flags = "";
    req.lib_std = "";
    req.time_limit_s = 60;
    req.pch_root = r + "/pch";
    req.trace_includes = true;
    return req;
  }

  int RunProgram(const std::string& binary) {
    SandboxRequest run;
    run.argv = {binary};
    run.workdir = dir_.path() + "/work";
    run.limits.wall_seconds = 10;
    const SandboxResult r = RunSandboxed(run);
    return r.started ? r.exit_code : -1;
  }

  TempDir dir_;
};

TEST_F(PchTest, APrecompiledHeaderForTheSameFlagsIsUsed) {
  CompileResult before = CompileSubmission(Request());
  ASSERT_TRUE(before.ok) << before.message << "\n" << before.raw_log;
  EXPECT_FALSE(before.precompiled_header);  // none built yet
  EXPECT_FALSE(UsedPch(before)) << before.raw_log;

  std::string error;
  ASSERT_TRUE(PrecompileLabHeaders(Request(), &error)) << error;
  const CompileResult c = CompileSubmission(Request());
  ASSERT_TRUE(c.ok) << c.message << "\n" << c.raw_log;
  EXPECT_TRUE(c.precompiled_header);
  EXPECT_TRUE(UsedPch(c)) << c.raw_log;  // GCC's word, not ours
  EXPECT_EQ(RunProgram(c.binary_path), 0);

  // Asked again (`make` asks at every build), an up-to-date one is left as it is.
  std::string gch;
  for (const auto& e : fs::recursive_directory_iterator(dir_.path() + "/pch")) {
    if (e.path().filename() == "grader_pch.h.gch") gch = e.path();
  }
  ASSERT_FALSE(gch.empty());
  const auto written = fs::last_write_time(gch);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(PrecompileLabHeaders(Request(), &error)) << error;
  EXPECT_EQ(fs::last_write_time(gch), written);
}

TEST_F(PchTest, OtherFlagsOrAChangedHeaderTurnItOff) {
  std::string error;
  ASSERT_TRUE(PrecompileLabHeaders(Request(), &error)) << error;

  CompileRequest other = Request();
  other.sanitize_flags = "-fno-inline";  // another flag list: another key
  CompileResult c = CompileSubmission(other);
  ASSERT_TRUE(c.ok) << c.message << "\n" << c.raw_log;
  EXPECT_FALSE(c.precompiled_header);
  EXPECT_FALSE(UsedPch(c)) << c.raw_log;

  // A lab header edited after the precompile (a newer mtime, another size): the text is
  // what counts, and it is read.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  WriteFile(dir_.path() + "/include/lab/sync.h",
            "#pragma once\n#include <vector>\nnamespace lab { int Answer(); }\n"
            "#define LAB_FAKE_EDITED 1\n");
  WriteFile(dir_.path() + "/puzzle/spec.cpp",
            "#ifndef LAB_FAKE_EDITED\n#error the edited header was not read\n#endif\n"
            "int LabSpecRun() { return FizzBuzz(lab::Answer()).n() == 42 ? 0 : 1; }\n");
  c = CompileSubmission(Request());
  ASSERT_TRUE(c.ok) << c.message << "\n" << c.raw_log;
  EXPECT_FALSE(c.precompiled_header);
  EXPECT_FALSE(UsedPch(c)) << c.raw_log;

  // Built again, it is used again, and sees the edit.
  ASSERT_TRUE(PrecompileLabHeaders(Request(), &error)) << error;
  c = CompileSubmission(Request());
  ASSERT_TRUE(c.ok) << c.message << "\n" << c.raw_log;
  EXPECT_TRUE(c.precompiled_header);
  EXPECT_TRUE(UsedPch(c)) << c.raw_log;
}

TEST_F(PchTest, ALinkErrorReadsTheSameWithTheFastLinker) {
  if (std::string(LAB_FAST_LINKER).empty()) {
    GTEST_SKIP() << "no fast linker configured (lld missing): the default linker is the only one";
  }
  // Declared, called by the spec, never defined: the linker's error, in GNU ld's words.
  WriteFile(dir_.path() + "/class/fizzbuzz.cpp",
            "class FizzBuzz {\n public:\n  explicit FizzBuzz(int n);\n  int n() const;\n};\n");
  CompileRequest req = Request();
  req.trace_includes = false;
  const CompileResult c = CompileSubmission(req);
  ASSERT_FALSE(c.ok);
  EXPECT_FALSE(c.setup_error) << c.message;
  EXPECT_NE(c.message.find("undefined reference to `FizzBuzz::n() const'"), std::string::npos)
      << c.message << "\n" << c.raw_log;
  EXPECT_EQ(c.raw_log.find("ld.lld"), std::string::npos) << c.raw_log;
}

// The real lab: `make` precompiled lab/grader_pch.h for a default `lab check`, and the
// compile of a std:: reference really uses it.
TEST(RealLabPchTest, TheDefaultCompileUsesTheBuildsPrecompiledHeader) {
  if (std::string(LAB_LIBSTD).empty()) {
    GTEST_SKIP() << "a LAB_TSAN build: the default compile is not the std:: dialect's";
  }
  TempDir dir;
  ASSERT_EQ(mkdir((dir.path() + "/work").c_str(), 0700), 0);
  CompileRequest req;
  req.submission_path = std::string(LAB_SOURCE_DIR) + "/puzzles/fizzbuzz/std/reference.cpp";
  req.spec_path = std::string(LAB_SOURCE_DIR) + "/puzzles/fizzbuzz/spec.cpp";
  req.workdir = dir.path() + "/work";
  req.trace_includes = true;
  const CompileResult c = CompileSubmission(req);
  ASSERT_TRUE(c.ok) << c.message << "\n" << c.raw_log;
  EXPECT_TRUE(c.precompiled_header) << "no usable precompiled header in " << LAB_PCH_DIR
                                    << " (run make: the lab_pch_files target builds it)";
  EXPECT_NE(c.raw_log.find(std::string("! ") + LAB_PCH_DIR), std::string::npos)
      << c.raw_log.substr(0, 2000);
}

}  // namespace
}  // namespace lab::grader
