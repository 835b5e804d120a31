// Hostile and broken submissions graded as a class (issue #10), through the real `lab grade`
// on the fixture puzzle `mini`: the submissions in tests/fixtures/hostile, plus the entries
// git cannot hold (symbolic links, a FIFO, a name that is not UTF-8), made here. Every entry
// must get a results.json, a gradebook row and a message that says what was wrong.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "sandbox.h"

namespace {

namespace fs = std::filesystem;

const std::string kLab = std::string(LAB_BUILD_DIR) + "/harness/lab";
const std::string kFixtures = LAB_TEST_FIXTURES;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The class, graded once for the whole suite.
class HostileClass : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/lab-hostile-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = new std::string(tmpl);
    const std::string cls = *dir_ + "/class";
    fs::create_directories(cls);
    for (const auto& e : fs::directory_iterator(kFixtures + "/hostile")) {
      if (e.path().extension() == ".cpp")
        fs::copy_file(e.path(), cls + "/" + e.path().filename().string());
    }
    fs::copy_file(kFixtures + "/puzzles/mini/reference.cpp", cls + "/good.cpp");
    // What git cannot hold.
    fs::create_symlink("/etc/passwd", cls + "/link_out.cpp");
    fs::create_symlink("good.cpp", cls + "/link_in.cpp");
    fs::create_symlink("/nonexistent/solution.cpp", cls + "/dangling.cpp");
    fs::create_symlink("/etc", cls + "/link_folder");
    fs::create_directories(cls + "/linked_inside");
    fs::create_symlink("/etc/passwd", cls + "/linked_inside/solution.cpp");
    fs::copy_file(kFixtures + "/puzzles/mini/reference.cpp", cls + "/bad\xff\xfename.cpp");
    ASSERT_EQ(mkfifo((cls + "/fifo.cpp").c_str(), 0644), 0);
    std::ofstream(cls + "/notes.txt") << "not a submission\n";
    // A solution under another C++ extension: a row saying so, not silence.
    fs::copy_file(kFixtures + "/puzzles/mini/reference.cpp", cls + "/wrong_ext.cc");
    fs::create_symlink("notes.txt", cls + "/notes_link.txt");

    const std::string cmd = "cd " + *dir_ + " && LAB_PUZZLES_DIR=" + kFixtures + "/puzzles " +
                            kLab + " grade mini class -o out -j 2 --timeout 20 >out.txt 2>err.txt";
    const int status = std::system(cmd.c_str());
    code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(*dir_, ec);
    delete dir_;
  }

  static nlohmann::json Results(const std::string& student) {
    const std::string path = *dir_ + "/out/" + student + "/results.json";
    EXPECT_TRUE(fs::exists(path)) << student << " has no results.json";
    return nlohmann::json::parse(ReadAll(path), nullptr, false);
  }
  // The Gradescope "output" of `student`, and the messages of all its findings.
  static std::string Text(const nlohmann::json& j) {
    std::string text = j.value("output", "");
    for (const auto& t : j["tests"]) text += "\n" + t.value("output", "");
    for (const auto& f : j["extra_data"]["findings"]) text += "\n" + f.value("message", "");
    return text;
  }
  static void ExpectRejected(const std::string& student, const std::string& why) {
    SCOPED_TRACE(student);
    const nlohmann::json j = Results(student);
    ASSERT_TRUE(j.is_object());
    EXPECT_EQ(j["score"], 0);
    EXPECT_EQ(j["extra_data"]["status"], "rejected");
    EXPECT_NE(Text(j).find(why), std::string::npos) << Text(j);
    EXPECT_NE(ReadAll(*dir_ + "/out/gradebook.csv").find("\n" + student + ",0,5,"),
              std::string::npos);
  }

  static std::string* dir_;
  static int code_;
};
std::string* HostileClass::dir_ = nullptr;
int HostileClass::code_ = -1;

TEST_F(HostileClass, TheGraderFinishesAndSaysWhichCgroupIsInForce) {
  EXPECT_EQ(code_, 0) << ReadAll(*dir_ + "/out.txt") << ReadAll(*dir_ + "/err.txt");
  EXPECT_NE(ReadAll(*dir_ + "/err.txt").find("lab grade: sandbox: "), std::string::npos)
      << ReadAll(*dir_ + "/err.txt");
}

TEST_F(HostileClass, EveryEntryHasAGradebookRow) {
  const std::string csv = ReadAll(*dir_ + "/out/gradebook.csv");
  for (const char* student :
       {"asm_label", "bad_name", "dangling", "empty", "fifo", "flood_stderr", "flood_stdout", "good",
        "include_passwd", "include_passwd_macro", "include_spec", "key_ctor_priority", "key_ifunc",
        "key_preinit", "line_marker", "link_folder", "link_in", "link_out", "linked_inside",
        "macro_fail", "macro_keyword", "macro_own", "own_main", "own_main_guarded",
        "std_racy", "wrong_ext.cc"}) {
    EXPECT_NE(csv.find("\n" + std::string(student) + ","), std::string::npos) << student << "\n"
                                                                              << csv;
  }
  // 26 students and the header; notes.txt and the link to it are not submissions.
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 27) << csv;
}

TEST_F(HostileClass, TheReferenceStillGetsFullMarks) {
  EXPECT_EQ(Results("good")["score"], 5);
  EXPECT_EQ(Results("own_main_guarded")["score"], 5) << Text(Results("own_main_guarded"));
  // Macros of its own (saved and restored around it) cost a correct solution nothing.
  EXPECT_EQ(Results("macro_own")["score"], 5) << Text(Results("macro_own"));
}

// The spec is compiled after the submission, in its translation unit: a macro the
// submission leaves defined must not rewrite the spec's checks (one line of either kind
// gave a Counter that counts nothing full marks).
TEST_F(HostileClass, MacrosCannotTurnTheSpecsChecksOff) {
  for (const char* student : {"macro_keyword", "macro_fail"}) {
    SCOPED_TRACE(student);
    const nlohmann::json j = Results(student);
    EXPECT_EQ(j["score"], 0) << Text(j);
    const auto& findings = j["extra_data"]["findings"];
    ASSERT_FALSE(findings.empty()) << Text(j);
    EXPECT_EQ(findings[0]["id"], "wrong-output") << findings.dump();
  }
}

// The completion record's key must be read before any code of the submission runs: a
// constructor of priority 0 used to run before the runner's (101), steal the key from fd 4
// and forge a "no findings" record that gave a Counter that counts nothing full marks.
TEST_F(HostileClass, AStolenKeyForgesNoRecord) {
  for (const char* student : {"key_ctor_priority", "key_preinit"}) {
    SCOPED_TRACE(student);
    const nlohmann::json j = Results(student);
    EXPECT_EQ(j["score"], 0) << Text(j);
    const auto& findings = j["extra_data"]["findings"];
    ASSERT_FALSE(findings.empty()) << Text(j);
    EXPECT_EQ(findings[0]["id"], "crash") << findings.dump();
    EXPECT_NE(Text(j).find("without the lab's completion record"), std::string::npos) << Text(j);
  }
  // An ifunc resolver runs even before that: refused after the link, with why.
  const nlohmann::json j = Results("key_ifunc");
  EXPECT_EQ(j["score"], 0);
  EXPECT_EQ(j["extra_data"]["status"], "compile-error");
  EXPECT_NE(Text(j).find("the submission defines an ifunc"), std::string::npos) << Text(j);
}

// A submission that #includes the spec registers scenarios of the spec's names before the
// spec's own; the runner used to grade the first one found (no checks: full marks).
TEST_F(HostileClass, ScenariosDefinedTwiceAreRefused) {
  const nlohmann::json j = Results("include_spec");
  EXPECT_EQ(j["score"], 0) << Text(j);
  const auto& findings = j["extra_data"]["findings"];
  ASSERT_FALSE(findings.empty()) << Text(j);
  EXPECT_EQ(findings[0]["id"], "crash") << findings.dump();
  EXPECT_NE(Text(j).find("is defined more than once"), std::string::npos) << Text(j);
}

// GCC lets an asm label rename a function after its first use: a redeclaration of the
// spec's lab::spec::Fail pointing at a no-op gave a Counter that counts nothing full marks.
TEST_F(HostileClass, AsmLabelsAreRefusedWithWhy) {
  const nlohmann::json j = Results("asm_label");
  EXPECT_EQ(j["score"], 0) << Text(j);
  EXPECT_EQ(j["extra_data"]["status"], "compile-error");
  EXPECT_NE(Text(j).find("line 10: an asm label"), std::string::npos) << Text(j);
}

// A std:: submission's sites come from DWARF, which named the grader's temporary build
// folder: the same submission graded twice got different results.json files.
TEST_F(HostileClass, SitesNameTheStudentsFileNotTheGradersFolder) {
#ifdef LAB_TSAN_BUILD
  GTEST_SKIP() << "a LAB_TSAN build: the default compile is not the std:: dialect's (no "
                  "plain-memory race to name a site of)";
#endif
  const nlohmann::json j = Results("std_racy");
  const auto& findings = j["extra_data"]["findings"];
  ASSERT_FALSE(findings.empty()) << Text(j);
  EXPECT_EQ(findings[0]["id"], "data-race") << findings.dump();
  EXPECT_EQ(findings[0]["sites"][0].get<std::string>().rfind("std_racy.cpp:", 0), 0u)
      << findings.dump();
  for (const char* student : {"std_racy", "good", "macro_keyword"}) {
    EXPECT_EQ(Results(student).dump().find("/lab-"), std::string::npos)
        << student << ": " << Results(student).dump();
  }
}

// #line would make the submission's lines pass for the spec's, whose accesses are not checked.
TEST_F(HostileClass, LineDirectivesAreRefusedWithWhy) {
  const nlohmann::json j = Results("line_marker");
  EXPECT_EQ(j["score"], 0);
  EXPECT_EQ(j["extra_data"]["status"], "compile-error");
  EXPECT_NE(Text(j).find("line 3: '#line' and line markers are not allowed"), std::string::npos)
      << Text(j);
}

TEST_F(HostileClass, OwnMainIsACompileErrorThatSaysToRemoveIt) {
  const nlohmann::json j = Results("own_main");
  EXPECT_EQ(j["score"], 0);
  EXPECT_EQ(j["extra_data"]["status"], "compile-error");
  const std::string text = Text(j);
  EXPECT_NE(text.find("own_main.cpp defines main()"), std::string::npos) << text;
  EXPECT_NE(text.find("remove your main()"), std::string::npos) << text;
  EXPECT_EQ(text.find("exited with status 0"), std::string::npos) << text;
}

TEST_F(HostileClass, HostIncludesShowNoHostContent) {
  if (!lab::grader::ProbeSandbox().mount_ns) {
    GTEST_SKIP() << "no mount namespace on this machine: the compiler sees the host (announced)";
  }
  std::string first;
  std::getline(std::ifstream("/etc/passwd") >> std::ws, first);
  const std::string host_line = first.substr(0, first.find(':') + 2);
  for (const char* student : {"include_passwd", "include_passwd_macro"}) {
    SCOPED_TRACE(student);
    const nlohmann::json j = Results(student);
    EXPECT_EQ(j["extra_data"]["status"], "compile-error");
    const std::string all = j.dump();
    EXPECT_NE(all.find("/etc/passwd: No such file or directory"), std::string::npos) << all;
    EXPECT_EQ(all.find(host_line), std::string::npos) << "host content in results.json";
  }
}

TEST_F(HostileClass, OutputFloodsAreAResourceLimitNamingTheCap) {
  for (const char* student : {"flood_stdout", "flood_stderr"}) {
    SCOPED_TRACE(student);
    const nlohmann::json j = Results(student);
    EXPECT_EQ(j["score"], 0);
    const auto& findings = j["extra_data"]["findings"];
    ASSERT_FALSE(findings.empty());
    EXPECT_EQ(findings[0]["id"], "resource-limit") << findings.dump();
    EXPECT_NE(findings[0]["message"].get<std::string>().find("output limit of 1 MiB"),
              std::string::npos)
        << findings.dump();
    EXPECT_NE(Text(j).find("[... output truncated]"), std::string::npos) << Text(j);
    EXPECT_EQ(Text(j).find("\x1b["), std::string::npos) << "terminal escapes are cleaned";
  }
}

TEST_F(HostileClass, LinksAreRejectedWithWhatTheyAre) {
  ExpectRejected("link_out", "a symbolic link to a file outside the class folder");
  ExpectRejected("link_in", "a symbolic link to a file inside the class folder");
  ExpectRejected("dangling", "a dangling link");
  ExpectRejected("link_folder", "a symbolic link to a folder outside the class folder");
  ExpectRejected("linked_inside", "the folder's .cpp file is a symbolic link");
  // The link's target is not shown.
  EXPECT_EQ(Results("link_out").dump().find("/etc/passwd"), std::string::npos);
}

TEST_F(HostileClass, EmptyFilesFifosAndNonUtf8NamesAreRejectedWithWhy) {
  ExpectRejected("empty", "an empty file (0 bytes)");
  ExpectRejected("fifo", "not a regular file");
  ExpectRejected("bad_name", "not valid UTF-8");
}

// A .cc file was ignored like notes.txt: the student had no row in the gradebook.
TEST_F(HostileClass, ASolutionNamedDotCcIsRejectedWithWhy) {
  ExpectRejected("wrong_ext.cc", "a C++ file named .cc, not .cpp");
}

}  // namespace
