// Tests of the submission compiler (harness/grader/compiler.h) against a throwaway lab: fake
// public headers, a fake spec runner and tiny static libraries built here, so these tests do
// not depend on the state of the real lab build.
#include "compiler.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "lab_build_config.h"
#include "sandbox.h"

namespace lab::grader {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  explicit TempDir(const char* prefix) {
    std::string tmpl = std::string("/tmp/") + prefix + "-XXXXXX";
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

// A lab with the same shape as the real one: <root>/include/lab/sync.h,
// <root>/spec/lab/{spec.h,spec_guard.h,grader_pch.h},
// <root>/lib/{liblab,liblab_spec,liblab_spec_main}.a.
class FakeLab {
 public:
  FakeLab() : dir_("lab-fake-lab") {
    const std::string& r = dir_.path();
    WriteFile(r + "/include/lab/sync.h", "#pragma once\nnamespace lab { int Answer(); }\n");
    WriteFile(r + "/spec/lab/spec.h", "#pragma once\nint LabSpecRun();\n");
    WriteFile(r + "/spec/lab/spec_guard.h", "#pragma once\n");
    WriteFile(r + "/spec/lab/grader_pch.h",
              "#pragma once\n#include \"lab/sync.h\"\n#include \"lab/spec.h\"\n");
    WriteFile(r + "/src/lab.cc", "namespace lab { int Answer() { return 42; } }\n");
    WriteFile(r + "/src/spec.cc", "int LabSpecHelper() { return 0; }\n");
    WriteFile(r + "/src/main.cc", "int LabSpecRun();\nint main() { return LabSpecRun(); }\n");
    const std::string cxx = LAB_CXX_COMPILER;
    ok_ = true;
    for (const char* name : {"lab", "spec", "main"}) {
      const std::string lib = std::string(name) == "lab"    ? "liblab.a"
                              : std::string(name) == "spec" ? "liblab_spec.a"
                                                            : "liblab_spec_main.a";
      const std::string cmd = cxx + " -std=c++20 -c " + r + "/src/" + name + ".cc -o " + r +
                              "/src/" + name + ".o && mkdir -p " + r + "/lib && ar rcs " + r +
                              "/lib/" + lib + " " + r + "/src/" + name + ".o";
      ok_ = ok_ && std::system(cmd.c_str()) == 0;
    }
  }
  bool ok() const { return ok_; }
  const std::string& root() const { return dir_.path(); }

  CompileRequest Request(const std::string& submission, const std::string& spec,
                         const std::string& workdir) const {
    CompileRequest req;
    req.submission_path = submission;
    req.spec_path = spec;
    req.workdir = workdir;
    req.public_include_dir = root() + "/include";
    req.spec_include_dir = root() + "/spec";
    req.lib_lab = root() + "/lib/liblab.a";
    req.lib_spec = root() + "/lib/liblab_spec.a";
    req.lib_spec_main = root() + "/lib/liblab_spec_main.a";
    req.sanitize_flags = "";
    req.lib_std = "";  // the fake lab has no std:: dialect runtime
    req.time_limit_s = 30;
    return req;
  }

 private:
  TempDir dir_;
  bool ok_ = false;
};

const FakeLab& Lab() {
  static const FakeLab lab;  // built once, removed at exit
  return lab;
}

constexpr char kSpec[] =
    "int LabSpecRun() {\n"
    "  FizzBuzz fb(lab::Answer());\n"
    "  return fb.n() == 42 ? 0 : 1;\n"
    "}\n";

constexpr char kGood[] =
    "class FizzBuzz {\n"
    " public:\n"
    "  explicit FizzBuzz(int n) : n_(n) {}\n"
    "  int n() const { return n_; }\n"
    "\n"
    " private:\n"
    "  int n_;\n"
    "};\n";

class CompilerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Lab().ok()) << "could not build the fake lab";
    work_ = dir_.path() + "/work";
    ASSERT_EQ(mkdir(work_.c_str(), 0700), 0);
    spec_ = dir_.path() + "/puzzle/spec.cpp";
    WriteFile(spec_, kSpec);
  }
  std::string Submission(const std::string& name, const std::string& text) {
    const std::string path = dir_.path() + "/class/" + name;
    WriteFile(path, text);
    return path;
  }
  CompileRequest Request(const std::string& submission) const {
    return Lab().Request(submission, spec_, work_);
  }

  TempDir dir_{"lab-compiler-test"};
  std::string work_, spec_;
};

TEST_F(CompilerTest, CompilesAGoodSubmissionThatRuns) {
  const CompileResult c = CompileSubmission(Request(Submission("fizzbuzz.cpp", kGood)));
  ASSERT_TRUE(c.ok) << c.message << "\n" << c.raw_log;
  EXPECT_FALSE(c.setup_error);
  EXPECT_EQ(c.source_name, "fizzbuzz.cpp");
  EXPECT_EQ(c.binary_path, work_ + "/submission");
  EXPECT_TRUE(fs::exists(work_ + "/fizzbuzz.cpp"));
  EXPECT_TRUE(fs::exists(work_ + "/spec.cpp"));
  EXPECT_GT(c.seconds, 0);

  SandboxRequest run;
  run.argv = {c.binary_path};
  run.workdir = work_;
  run.limits.wall_seconds = 10;
  const SandboxResult r = RunSandboxed(run);
  ASSERT_TRUE(r.started) << r.error;
  EXPECT_EQ(r.exit_code, 0);
}

// A puzzle that gives the solution a type (web_crawler's HtmlParser) has
// lab/puzzles/<puzzle>.h; the wrapper includes it before the submission, so a solution that
// uses the type without an #include compiles, and one that includes it explicitly too.
TEST_F(CompilerTest, IncludesThePuzzlesGivenTypesBeforeTheSubmission) {
  WriteFile(Lab().root() + "/spec/lab/puzzles/given.h",
            "#pragma once\nstruct Given { int answer() const { return 42; } };\n");
  const std::string spec = dir_.path() + "/given/spec.cpp";
  WriteFile(spec, kSpec);
  const std::string uses =
      "class FizzBuzz {\n public:\n  explicit FizzBuzz(int n) : n_(n) {}\n"
      "  int n() const { return Given().answer() == n_ ? n_ : 0; }\n private:\n  int n_;\n};\n";
  CompileResult c = CompileSubmission(Lab().Request(Submission("fizzbuzz.cpp", uses), spec, work_));
  ASSERT_TRUE(c.ok) << c.message << "\n" << c.raw_log;
  c = CompileSubmission(Lab().Request(
      Submission("explicit.cpp", "#include \"lab/puzzles/given.h\"\n" + uses), spec, work_));
  EXPECT_TRUE(c.ok) << c.message << "\n" << c.raw_log;
  // Another puzzle's submission does not see it.
  c = CompileSubmission(Request(Submission("other.cpp", uses)));
  EXPECT_FALSE(c.ok);
  EXPECT_FALSE(c.setup_error);
  EXPECT_NE(c.message.find("Given"), std::string::npos) << c.message;
}

// An answer written for LeetCode names std:: types unqualified and without their
// #include, relying on the prelude LeetCode compiles every answer with: it compiles here
// too. One that is wrong even with the prelude reads the messages of the file as written.
TEST_F(CompilerTest, ALeetCodeAnswerCompilesWithLeetCodesPrelude) {
  const std::string leetcode =
      "class FizzBuzz {\n public:\n  explicit FizzBuzz(int n) : n_(n) {}\n"
      "  int n() { lock_guard<mutex> g(m_); return n_; }\n"
      " private:\n  mutex m_;\n  int n_;\n};\n";
  CompileResult c = CompileSubmission(Request(Submission("fizzbuzz.cpp", leetcode)));
  ASSERT_TRUE(c.ok) << c.message << "\n" << c.raw_log;

  std::string wrong = leetcode;
  wrong.replace(wrong.find("return n_;"), 10, "return n_ + not_declared_anywhere;");
  c = CompileSubmission(Request(Submission("wrong.cpp", wrong)));
  EXPECT_FALSE(c.ok);
  EXPECT_FALSE(c.setup_error);
  EXPECT_NE(c.message.find("'mutex'"), std::string::npos) << c.message;
  EXPECT_NE(c.message.find("not_declared_anywhere"), std::string::npos) << c.message;
  // After them, the one error left with the prelude, on its line: the typo to fix was
  // buried among "'mutex' does not name a type" and the errors they cause.
  const std::string note = "With LeetCode's prelude";
  const std::size_t at = c.message.find(note);
  ASSERT_NE(at, std::string::npos) << c.message;
  EXPECT_NE(c.message.find("wrong.cpp:4:", at), std::string::npos) << c.message;
  EXPECT_NE(c.message.find("not_declared_anywhere", at), std::string::npos) << c.message;
  EXPECT_EQ(c.message.find("'mutex'", at), std::string::npos) << c.message;
}

// Not compiled at all: what the file is, rather than the spec's errors or a page of
// "stray '\177' in program".
TEST_F(CompilerTest, EmptyAndBinaryFilesSayWhatTheyAre) {
  CompileResult c = CompileSubmission(Request(Submission("empty.cpp", "")));
  EXPECT_FALSE(c.ok);
  EXPECT_FALSE(c.setup_error);
  EXPECT_EQ(c.message.find("the file is empty (0 bytes)"), 0u) << c.message;
  c = CompileSubmission(Request(Submission("blank.cpp", " \n\t\n")));
  EXPECT_EQ(c.message.find("the file is empty (only white space)"), 0u) << c.message;
  c = CompileSubmission(Request(Submission("a.out.cpp", std::string("\x7f" "ELF\x02\x01\0\0", 8))));
  EXPECT_FALSE(c.ok);
  EXPECT_EQ(c.message.find("the file is not C++ source text"), 0u) << c.message;
}

TEST_F(CompilerTest, SyntaxErrorIsReportedOnTheStudentsLine) {
  std::string bad = kGood;
  bad.replace(bad.find("  int n() const"), 0, "  int broken(;\n");  // line 4
  const CompileResult c = CompileSubmission(Request(Submission("fizzbuzz.cpp", bad)));
  EXPECT_FALSE(c.ok);
  EXPECT_FALSE(c.setup_error);
  EXPECT_NE(c.message.find("fizzbuzz.cpp:4:"), std::string::npos) << c.message;
  EXPECT_NE(c.message.find("error"), std::string::npos);
  EXPECT_EQ(c.message.find(work_), std::string::npos) << "absolute workdir paths are stripped";
  EXPECT_EQ(c.message.find("lab_main.cpp"), std::string::npos) << "the wrapper is invisible";
  EXPECT_EQ(c.message.find("In file included"), std::string::npos);
  EXPECT_NE(c.raw_log.find("fizzbuzz.cpp"), std::string::npos);
}

TEST_F(CompilerTest, ErrorsInTheSpecShowOnlyTheErrorLine) {
  // The class lacks n(): the error is in spec.cpp, whose source the student must not see.
  std::string missing = kGood;
  missing.replace(missing.find("  int n() const { return n_; }\n"),
                  std::string("  int n() const { return n_; }\n").size(), "");
  const CompileResult c = CompileSubmission(Request(Submission("fizzbuzz.cpp", missing)));
  EXPECT_FALSE(c.ok);
  EXPECT_NE(c.message.find("spec.cpp:3:"), std::string::npos) << c.message;
  EXPECT_NE(c.message.find("'n'"), std::string::npos) << c.message;
  EXPECT_EQ(c.message.find("== 42"), std::string::npos) << "spec source leaked:\n" << c.message;
}

TEST_F(CompilerTest, IncludingADeviceFailsWithinTheLimits) {
  CompileRequest req = Request(Submission("fizzbuzz.cpp", "#include \"/dev/random\"\n"));
  req.time_limit_s = 4;
  req.memory_limit_bytes = 512ull << 20;
  const CompileResult c = CompileSubmission(req);
  EXPECT_FALSE(c.ok);
  EXPECT_FALSE(c.setup_error);
  EXPECT_LT(c.seconds, 7.0);
  EXPECT_FALSE(c.message.empty());
  EXPECT_LE(c.message.size(), req.output_cap + 64);
}

TEST_F(CompilerTest, TimeLimitIsReportedAsSuch) {
  // A constexpr computation under GCC's loop limit but far beyond any time limit stands in
  // for a template bomb.
  CompileRequest req = Request(Submission(
      "fizzbuzz.cpp", std::string(kGood) + "constexpr long Spin() {\n"
                                           "  long s = 0;\n"
                                           "  for (long i = 0; i < 200000; ++i)\n"
                                           "    for (long j = 0; j < 200000; ++j) s += j % 7;\n"
                                           "  return s;\n"
                                           "}\n"
                                           "static_assert(Spin() > 0);\n"));
  req.time_limit_s = 1;
  const CompileResult c = CompileSubmission(req);
  EXPECT_FALSE(c.ok);
  EXPECT_FALSE(c.setup_error);
  EXPECT_NE(c.message.find("time limit of 1 s"), std::string::npos) << c.message;
  EXPECT_LT(c.seconds, 4.0);
}

// A macro that expands to a million 1 KB string literals: a gigabyte the compiler must
// hold, well past the limit.
std::string MemoryBomb() {
  std::string src = "#define A \"" + std::string(1000, 'x') + "\"\n";
  const char* names = "ABCDEFG";
  for (int i = 1; i < 7; ++i) {
    src += std::string("#define ") + names[i];
    for (int k = 0; k < 10; ++k) src += std::string(" ") + names[i - 1];
    src += "\n";
  }
  return src + "const char* s = G;\n";
}

TEST_F(CompilerTest, MemoryLimitIsReportedAsSuch) {
  CompileRequest req = Request(Submission("fizzbuzz.cpp", MemoryBomb()));
  req.memory_limit_bytes = 256ull << 20;
  req.time_limit_s = 10;
  const CompileResult c = CompileSubmission(req);
  EXPECT_FALSE(c.ok);
  EXPECT_FALSE(c.setup_error);
  EXPECT_LT(c.seconds, 8.0);
  EXPECT_NE(c.message.find("memory limit of 256 MiB"), std::string::npos) << c.message;
}

TEST_F(CompilerTest, AFloodOfCompilerMessagesIsStoppedAtTheOutputLimit) {
  // Twenty errors on a 400 KB line: g++ would print 8 MB, quoting the line each time.
  std::string line = "void f() {";
  for (int i = 0; i < 20; ++i) line += " undeclared_" + std::to_string(i) + ";";
  line += " /*" + std::string(400000, 'x') + "*/ }\n";
  const CompileResult c = CompileSubmission(Request(Submission("fizzbuzz.cpp", kGood + line)));
  EXPECT_FALSE(c.ok);
  EXPECT_FALSE(c.setup_error);
  EXPECT_LE(c.raw_log.size(), 8u << 20);
  EXPECT_LE(c.message.size(), (64u << 10) + 200);
  EXPECT_NE(c.message.find("fizzbuzz.cpp:9:"), std::string::npos) << c.message.substr(0, 300);
  if (std::string(LAB_CXX_COMPILER).find("clang") == std::string::npos) {
    EXPECT_NE(c.message.find("passed the output limit of 4 MiB"), std::string::npos)
        << c.message.substr(c.message.size() - 300);
  }
}

TEST_F(CompilerTest, EndlessDevicesAreNotThereToInclude) {
  if (!ProbeSandbox().mount_ns) GTEST_SKIP() << "no mount namespace: the compiler sees /dev";
  for (const char* dev : {"/dev/zero", "/dev/random"}) {
    CompileRequest req = Request(Submission("fizzbuzz.cpp", std::string("#include \"") + dev + "\"\n"));
    req.time_limit_s = 10;
    const CompileResult c = CompileSubmission(req);
    EXPECT_FALSE(c.ok);
    EXPECT_LT(c.seconds, 5.0) << dev << " was read";
    EXPECT_NE(c.message.find(std::string(dev) + ": No such file"), std::string::npos) << c.message;
  }
}

TEST_F(CompilerTest, AbsoluteHostIncludeShowsNoHostContent) {
  if (!ProbeSandbox().mount_ns) GTEST_SKIP() << "no mount namespace: the compiler sees the host";
  std::string passwd;
  {
    std::ifstream in("/etc/passwd");
    std::getline(in, passwd);
  }
  ASSERT_FALSE(passwd.empty()) << "the host has an /etc/passwd to hide";
  const std::string host_line = passwd.substr(0, passwd.find(':') + 2);  // "root:x"
  for (const std::string& src :
       {std::string("#include \"/etc/passwd\"\n") + kGood,
        // Through a macro: no textual check could see this one; the private root does.
        std::string("#define HOST_FILE \"/etc/passwd\"\n#include HOST_FILE\n") + kGood,
        std::string("#include </etc/passwd>\n") + kGood}) {
    const CompileResult c = CompileSubmission(Request(Submission("fizzbuzz.cpp", src)));
    EXPECT_FALSE(c.ok);
    EXPECT_FALSE(c.setup_error);
    EXPECT_NE(c.message.find("fizzbuzz.cpp:"), std::string::npos) << c.message;
    EXPECT_NE(c.message.find("/etc/passwd: No such file or directory"), std::string::npos)
        << c.message;
    EXPECT_NE(c.message.find("note: the compiler sees only your file"), std::string::npos)
        << c.message;
    EXPECT_EQ(c.message.find(host_line), std::string::npos) << c.message;
    EXPECT_EQ(c.raw_log.find(host_line), std::string::npos) << c.raw_log;
  }
  // Nor any other /etc file, or /usr/share, or /proc.
  for (const char* host : {"/etc/hostname", "/etc/shadow", "/usr/share/dict/words",
                           "/proc/self/environ", "/proc/cpuinfo"}) {
    const CompileResult c = CompileSubmission(
        Request(Submission("fizzbuzz.cpp", std::string("#include \"") + host + "\"\n" + kGood)));
    EXPECT_FALSE(c.ok) << host;
    EXPECT_NE(c.message.find("note: the compiler sees only your file"), std::string::npos)
        << host << ": " << c.message;
  }
}

TEST_F(CompilerTest, OwnMainIsACompileErrorThatSaysToRemoveIt) {
  const CompileResult c = CompileSubmission(Request(
      Submission("fizzbuzz.cpp", std::string(kGood) + "int main() {\n  FizzBuzz f(3);\n}\n")));
  EXPECT_FALSE(c.ok);
  EXPECT_FALSE(c.setup_error);
  EXPECT_EQ(c.message,
            "fizzbuzz.cpp defines main(). The lab supplies main() and runs your code through the "
            "puzzle's scenarios, so a submission must not have one: remove your main() (or keep "
            "it between #ifndef LAB_GRADING and #endif) and submit again.\n");

  // With arguments too.
  const CompileResult args = CompileSubmission(Request(Submission(
      "fizzbuzz.cpp", std::string(kGood) + "int main(int argc, char** argv) { return argc; }\n")));
  EXPECT_FALSE(args.ok);
  EXPECT_NE(args.message.find("defines main()"), std::string::npos) << args.message;
}

TEST_F(CompilerTest, GuardedMainCompilesAndTheLabsMainRuns) {
  const CompileResult c = CompileSubmission(Request(Submission(
      "fizzbuzz.cpp",
      std::string(kGood) + "#ifndef LAB_GRADING\nint main() { return 7; }\n#endif\n")));
  ASSERT_TRUE(c.ok) << c.message;
  SandboxRequest run;
  run.argv = {c.binary_path};
  run.workdir = work_;
  run.limits.wall_seconds = 10;
  const SandboxResult r = RunSandboxed(run);
  ASSERT_TRUE(r.started) << r.error;
  EXPECT_EQ(r.exit_code, 0) << "the fake lab's main ran, not the student's";
}

TEST_F(CompilerTest, ExtraIncludeDirsAreReadableAndSearched) {
  const std::string extra = dir_.path() + "/puzzle_headers";
  WriteFile(extra + "/lab/puzzles/html_parser.h", "#pragma once\nstruct HtmlParser { int k = 3; };\n");
  CompileRequest req = Request(Submission(
      "fizzbuzz.cpp", std::string("#include \"lab/puzzles/html_parser.h\"\n") + kGood +
                          "static int UsesIt() { return HtmlParser{}.k; }\n"));
  req.extra_include_dirs = {extra};
  const CompileResult c = CompileSubmission(req);
  EXPECT_TRUE(c.ok) << c.message << "\n" << c.raw_log;
}

TEST_F(CompilerTest, ClangWorksInTheToolchainRootToo) {
  if (access("/usr/bin/clang++", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/clang++ here";
  CompileRequest req = Request(Submission("fizzbuzz.cpp", kGood));
  req.cxx = "/usr/bin/clang++";  // a symlink chain through /etc/alternatives or ../lib/llvm
  const CompileResult c = CompileSubmission(req);
  EXPECT_TRUE(c.ok) << c.message << "\n" << c.raw_log;
  CompileRequest host = Request(Submission("fizzbuzz.cpp", "#include \"/etc/passwd\"\n"));
  host.cxx = "/usr/bin/clang++";
  const CompileResult bad = CompileSubmission(host);
  EXPECT_FALSE(bad.ok);
  if (ProbeSandbox().mount_ns) {
    EXPECT_NE(bad.message.find("note: the compiler sees only your file"), std::string::npos)
        << bad.message;
  }
}

TEST_F(CompilerTest, CannotIncludeTheGradersFiles) {
  const std::string secret = dir_.path() + "/puzzle/reference.cpp";
  WriteFile(secret, "int SECRET_REFERENCE = 1;\n");
  const CompileResult c = CompileSubmission(
      Request(Submission("fizzbuzz.cpp", "#include \"" + secret + "\"\n" + kGood)));
  if (ProbeSandbox().mount_ns) {
    EXPECT_FALSE(c.ok) << "the compiler could read the puzzle folder";
    // g++: "No such file or directory"; clang: "file not found".
    EXPECT_TRUE(c.message.find("No such file") != std::string::npos ||
                c.message.find("file not found") != std::string::npos)
        << c.message;
    // Relative paths from the workdir do not reach it either.
    const CompileResult rel = CompileSubmission(Request(
        Submission("fizzbuzz.cpp", "#include \"../puzzle/reference.cpp\"\n" + std::string(kGood))));
    EXPECT_FALSE(rel.ok);
  } else {
    EXPECT_FALSE(ProbeSandbox().warnings.empty());
  }
}

TEST_F(CompilerTest, SetupProblemsAreSetupErrors) {
  CompileResult c = CompileSubmission(Request(dir_.path() + "/class/missing.cpp"));
  EXPECT_TRUE(c.setup_error);
  EXPECT_NE(c.message.find("not found"), std::string::npos) << c.message;

  CompileRequest req = Request(Submission("fizzbuzz.cpp", kGood));
  req.lib_lab = dir_.path() + "/nowhere/liblab.a";
  c = CompileSubmission(req);
  EXPECT_TRUE(c.setup_error);
  EXPECT_NE(c.message.find("run make"), std::string::npos) << c.message;

  req = Request(Submission("fizzbuzz.cpp", kGood));
  req.spec_include_dir = dir_.path() + "/nowhere";
  c = CompileSubmission(req);
  EXPECT_TRUE(c.setup_error);
  EXPECT_NE(c.message.find("lab/spec.h"), std::string::npos) << c.message;

  req = Request(Submission("fizzbuzz.cpp", kGood));
  req.spec_path = dir_.path() + "/puzzle/nospec.cpp";
  EXPECT_TRUE(CompileSubmission(req).setup_error);

  req = Request(Submission("fizzbuzz.cpp", kGood));
  req.output_binary = "/tmp/elsewhere";
  EXPECT_TRUE(CompileSubmission(req).setup_error);
}

TEST_F(CompilerTest, RefusesSymlinksAndHugeFiles) {
  const std::string link = dir_.path() + "/class/link.cpp";
  fs::create_directories(dir_.path() + "/class");
  fs::create_symlink("/etc/passwd", link);
  CompileResult c = CompileSubmission(Request(link));
  EXPECT_FALSE(c.ok);
  EXPECT_NE(c.message.find("symbolic link"), std::string::npos);
  EXPECT_FALSE(fs::exists(work_ + "/link.cpp"));

  CompileRequest req = Request(Submission("big.cpp", std::string(2000, '\n')));
  req.max_source_bytes = 1000;
  c = CompileSubmission(req);
  EXPECT_FALSE(c.ok);
  EXPECT_NE(c.message.find("larger than"), std::string::npos);
}

TEST_F(CompilerTest, UnsafeFileNamesAreSanitized) {
  const CompileResult c = CompileSubmission(Request(Submission("-a;b c.cpp", kGood)));
  ASSERT_TRUE(c.ok) << c.message;
  EXPECT_EQ(c.source_name, "a_b_c.cpp");
}

TEST(SubmissionFileNameTest, KeepsSafeNamesAndRenamesReservedOnes) {
  EXPECT_EQ(SubmissionFileName("/x/alice/fizzbuzz.cpp"), "fizzbuzz.cpp");
  EXPECT_EQ(SubmissionFileName("solution.CC"), "solution.cc");
  EXPECT_EQ(SubmissionFileName("../../etc/passwd"), "passwd.cpp");
  EXPECT_EQ(SubmissionFileName("spec.cpp"), "submission.cpp");
  EXPECT_EQ(SubmissionFileName("lab_main.cpp"), "submission.cpp");
  EXPECT_EQ(SubmissionFileName("x/\"quote\".cpp"), "quote.cpp");
  EXPECT_EQ(SubmissionFileName(".cpp"), "student.cpp");
  // A safe name keeps its spelling, '_' runs included: the report names the student's file.
  EXPECT_EQ(SubmissionFileName("/x/my__answer.cpp"), "my__answer.cpp");
  EXPECT_EQ(SubmissionFileName("a__b-c.d.cpp"), "a__b-c.d.cpp");
  EXPECT_EQ(SubmissionFileName("-rf.cpp"), "rf.cpp");
}

TEST(TrimDiagnosticsTest, KeepsTheStudentsGroupsAndOnlyErrorLinesElsewhere) {
  const std::string log =
      "In file included from /w/lab_main.cpp:3:\n"
      "/w/fizzbuzz.cpp: In member function 'void FizzBuzz::fizz()':\n"
      "/w/fizzbuzz.cpp:14:5: error: 'foo' was not declared in this scope\n"
      "   14 |     foo();\n"
      "      |     ^~~\n"
      "/w/fizzbuzz.cpp:3:7: note: declared here\n"
      "In file included from /w/lab_main.cpp:5:\n"
      "/w/spec.cpp: In function 'int LabSpecRun()':\n"
      "/w/spec.cpp:30:8: error: 'class FizzBuzz' has no member named 'buzz'\n"
      "   30 |     fb.buzz(secret_check);\n"
      "      |        ^~~~\n"
      "/lab/include/lab/mutex.h: In instantiation of 'void lab::Guard<T>::f() [with T = int]':\n"
      "/w/fizzbuzz.cpp:20:10:   required from here\n"
      "/lab/include/lab/mutex.h:40:3: error: no matching function\n"
      "   40 |   internal_detail();\n"
      "/usr/bin/ld: /w/ccAbCdEf.o: in function `main':\n"
      "/w/spec.cpp:12: undefined reference to `FizzBuzz::fizz()'\n"
      "collect2: error: ld returned 1 exit status\n";
  const std::string out = TrimDiagnostics(log, "fizzbuzz.cpp", {"/w/", "/lab/include/"}, 10000);
  EXPECT_EQ(out,
            "fizzbuzz.cpp: In member function 'void FizzBuzz::fizz()':\n"
            "fizzbuzz.cpp:14:5: error: 'foo' was not declared in this scope\n"
            "   14 |     foo();\n"
            "      |     ^~~\n"
            "fizzbuzz.cpp:3:7: note: declared here\n"
            "spec.cpp:30:8: error: 'class FizzBuzz' has no member named 'buzz'\n"
            "lab/mutex.h: In instantiation of 'void lab::Guard<T>::f() [with T = int]':\n"
            "fizzbuzz.cpp:20:10:   required from here\n"
            "lab/mutex.h:40:3: error: no matching function\n"
            "ld: in function `main':\n"
            "spec.cpp:12: undefined reference to `FizzBuzz::fizz()'\n");
}

TEST(TrimDiagnosticsTest, ClangsDotSlashNamesAreTheStudentsFile) {
  // Clang names the submission as found next to the wrapper: "./fizzbuzz.cpp".
  const std::string log =
      "In file included from lab_main.cpp:3:\n"
      "./fizzbuzz.cpp:4:14: error: expected parameter declarator\n"
      "    4 |   int broken(;\n"
      "      |              ^\n"
      "./spec.cpp:3:6: error: no member named 'n' in 'FizzBuzz'\n"
      "    3 |   fb.n() == 42;\n";
  const std::string out = TrimDiagnostics(log, "fizzbuzz.cpp", {}, 10000);
  EXPECT_EQ(out,
            "./fizzbuzz.cpp:4:14: error: expected parameter declarator\n"
            "    4 |   int broken(;\n"
            "      |              ^\n"
            "./spec.cpp:3:6: error: no member named 'n' in 'FizzBuzz'\n");
}

TEST(ExplainCompileFailureTest, OnlyHandInProblemsGetAPlainMessage) {
  EXPECT_EQ(ExplainCompileFailure("fizzbuzz.cpp:4:3: error: 'x' was not declared\n", "fizzbuzz.cpp"),
            "");
  // A missing header of the student's own is an ordinary error, not a host path.
  EXPECT_EQ(ExplainCompileFailure(
                "fizzbuzz.cpp:1:10: fatal error: helpers.h: No such file or directory\n",
                "fizzbuzz.cpp"),
            "");
  // A host path in a file that is not the submission (cannot happen, but is not ours to word).
  EXPECT_EQ(ExplainCompileFailure("spec.cpp:1:10: fatal error: /x.h: No such file or directory\n",
                                  "fizzbuzz.cpp"),
            "");
  EXPECT_NE(ExplainCompileFailure("./fizzbuzz.cpp:2:10: fatal error: '../../etc/shadow' file not "
                                  "found\n",
                                  "fizzbuzz.cpp")
                .find("note: the compiler sees only your file"),
            std::string::npos);
  EXPECT_NE(ExplainCompileFailure("/usr/bin/ld: x.a(runner_main.cc.o): in function `main':\n"
                                  "runner_main.cc:(.text+0x0): multiple definition of `main'; "
                                  "/tmp/cc1.o:lab_main.cpp:(.text+0x0): first defined here\n",
                                  "alice.cpp")
                .find("alice.cpp defines main()"),
            std::string::npos);
}

// A function the lab defines itself (operator new, pthread_create, __tsan_read4, its API):
// the student reads which line of theirs and why, not the lab's archive paths.
TEST(ExplainCompileFailureTest, ADefinitionTheLabHasIsNamedAtTheStudentsLine) {
  const std::string log =
      "ld: /b/detector/src/stdcxx/liblab_std.a(plain_memory.cc.o): in function `f':\n"
      "/b/detector/src/stdcxx/plain_memory.cc:348: multiple definition of `operator "
      "new(unsigned long)'; cctUJRq0.o:counter.cpp:6: first defined here\n";
  EXPECT_EQ(ExplainCompileFailure(log, "counter.cpp"),
            "counter.cpp:6 defines `operator new(unsigned long)', which the lab defines itself "
            "(it stands in for operator new, the pthread and ThreadSanitizer entry points and its "
            "own API, to watch your program): remove that definition and submit again.\n");
  // GNU ld names the object and the source by their full paths.
  EXPECT_EQ(ExplainCompileFailure("/usr/bin/ld: /b/liblab_std.a(p.o): in function `g':\n"
                                  "/b/p.cc:9: multiple definition of `pthread_create'; "
                                  "/tmp/lab-X/build/cc1.o:/tmp/lab-X/build/counter.cpp:7: first "
                                  "defined here\n",
                                  "counter.cpp")
                .find("counter.cpp:7 defines `pthread_create', which the lab defines itself"),
            0u);
  // Not the lab's archive, or not the submission's line: left to the trimmed log.
  EXPECT_EQ(ExplainCompileFailure("ld: /usr/lib/libfoo.a(x.o): in function `f':\n"
                                  "x.c:1: multiple definition of `g'; cc.o:counter.cpp:3: first "
                                  "defined here\n",
                                  "counter.cpp"),
            "");
}

TEST(TrimDiagnosticsTest, CapsAndCleans) {
  std::string log;
  for (int i = 1; i <= 200; ++i) {
    log += "/w/f.cpp:" + std::to_string(i) + ":1: error: bad \x1b[31mthing\x1b[0m\n";
  }
  const std::string out = TrimDiagnostics(log, "f.cpp", {"/w/"}, 500);
  EXPECT_LE(out.size(), 500u + 30);
  EXPECT_NE(out.find("f.cpp:1:1: error: bad thing\n"), std::string::npos);
  EXPECT_NE(out.find("[... output truncated]"), std::string::npos);
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
}

}  // namespace
}  // namespace lab::grader
