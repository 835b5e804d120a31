// Forged full marks from inside the graded process: submissions in
// tests/fixtures/hostile_inprocess patch the spec's failure reporter (lab::spec::Fail) in
// memory, by every route the kernel offers, or replace it at link time, so that a wrong
// Counter's failed check reports nothing. Before the runner sealed the lab's code
// (harness/spec/harden.h) and the lab's archives were linked whole, each got 5/5. Graded
// as one class through the real `lab grade` on the fixture puzzle `mini`.
#include <gtest/gtest.h>
#include <linux/landlock.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

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

// What the runner's seals need from the kernel: mseal (Linux 6.10) and Landlock.
std::string MissingKernelSupport() {
  void* p = mmap(nullptr, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  const bool mseal = p != MAP_FAILED && syscall(462 /* SYS_mseal */, p, 4096, 0) == 0;
  const bool landlock =
      syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION) >= 1;
  if (!mseal) return "this kernel has no mseal(2) (Linux 6.10): the runner cannot seal the lab's code";
  if (!landlock) return "this kernel has no Landlock: the runner cannot keep /proc/self/mem closed";
  return "";
}

class InProcessClass : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/lab-inprocess-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = new std::string(tmpl);
    const std::string cls = *dir_ + "/class";
    fs::create_directories(cls);
    for (const auto& e : fs::directory_iterator(kFixtures + "/hostile_inprocess")) {
      if (e.path().extension() == ".cpp")
        fs::copy_file(e.path(), cls + "/" + e.path().filename().string());
    }
    fs::copy_file(kFixtures + "/puzzles/mini/reference.cpp", cls + "/good.cpp");
    const std::string cmd = "cd " + *dir_ + " && LAB_PUZZLES_DIR=" + kFixtures + "/puzzles " +
                            kLab + " grade mini class -o out -j 2 --timeout 30 >out.txt 2>err.txt";
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
  static std::string Text(const nlohmann::json& j) {
    std::string text = j.value("output", "");
    for (const auto& t : j["tests"]) text += "\n" + t.value("output", "");
    return text;
  }

  static std::string* dir_;
  static int code_;
};
std::string* InProcessClass::dir_ = nullptr;
int InProcessClass::code_ = -1;

TEST_F(InProcessClass, CorrectSolutionsKeepFullMarks) {
  EXPECT_EQ(code_, 0) << ReadAll(*dir_ + "/out.txt") << ReadAll(*dir_ + "/err.txt");
  EXPECT_EQ(Results("good")["score"], 5) << Text(Results("good"));
  // Its own files, its own memory and /proc/self/maps stay usable.
  EXPECT_EQ(Results("files_ok")["score"], 5) << Text(Results("files_ok"));
}

// Each patches lab::spec::Fail to return at once; the wrong Counter's failed check must
// still be a wrong-output (not a crash either: the attempt fails, the check runs).
TEST_F(InProcessClass, TheSpecsCodeCannotBePatchedInMemory) {
  if (const std::string why = MissingKernelSupport(); !why.empty()) GTEST_SKIP() << why;
  for (const char* student :
       {"patch_mprotect", "patch_proc_mem", "patch_ptrace", "patch_mmap_fixed"}) {
    SCOPED_TRACE(student);
    const nlohmann::json j = Results(student);
    EXPECT_EQ(j["score"], 0) << Text(j);
    const auto& findings = j["extra_data"]["findings"];
    ASSERT_FALSE(findings.empty()) << Text(j);
    EXPECT_EQ(findings[0]["id"], "wrong-output") << findings.dump();
  }
}

TEST_F(InProcessClass, TheSpecsFunctionsCannotBeReplacedAtLinkTime) {
  const nlohmann::json j = Results("preempt_spec");
  EXPECT_EQ(j["score"], 0) << Text(j);
  EXPECT_EQ(j["extra_data"]["status"], "compile-error") << Text(j);
  EXPECT_NE(Text(j).find("which the lab defines itself"), std::string::npos) << Text(j);
}

// A function of libc defined by the submission replaces libc's for the spec's checks: a
// memcmp that calls any two 16-byte strings equal gave print_in_order's starter 10/10.
TEST(InProcessLibrary, ALibraryFunctionOfTheSubmissionsIsRefused) {
  char tmpl[] = "/tmp/lab-inprocess-lib-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  fs::create_directories(dir + "/class");
  fs::copy_file(kFixtures + "/hostile_inprocess/print_in_order/interpose_memcmp.cpp",
                dir + "/class/interpose_memcmp.cpp");
  const std::string cmd = "cd " + dir + " && LAB_PUZZLES_DIR=" + LAB_SOURCE_DIR + "/puzzles " +
                          kLab + " grade print_in_order class -o out --timeout 30 >out.txt 2>&1";
  const int status = std::system(cmd.c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << ReadAll(dir + "/out.txt");
  const nlohmann::json j = nlohmann::json::parse(
      ReadAll(dir + "/out/interpose_memcmp/results.json"), nullptr, false);
  ASSERT_TRUE(j.is_object()) << ReadAll(dir + "/out.txt");
  EXPECT_EQ(j["score"], 0) << j.dump();
  EXPECT_EQ(j["extra_data"]["status"], "compile-error") << j.dump();
  EXPECT_NE(j.value("output", "").find("the submission defines 'memcmp', a function of libc"),
            std::string::npos)
      << j.dump();
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace
