// `lab gradescope` (harness/cli/gradescope_command.cc, harness/grader/autograder_bundle.h):
// the zip format, and the round trip as Gradescope runs it: unpack into /autograder/source,
// setup.sh, then run_autograder per submission, reading /autograder/results/results.json.
// The round trip runs in a mount namespace with a tmpfs over /autograder (root only), with
// setup.sh pointed at this build (LAB_PREBUILT) instead of apt-get and a fresh build.
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "autograder_bundle.h"
#include "zip_writer.h"

namespace lab::grader {
namespace {

namespace fs = std::filesystem;

const std::string kLab = std::string(LAB_BUILD_DIR) + "/harness/lab";
const std::string kPuzzles = std::string(LAB_TEST_FIXTURES) + "/puzzles";
const std::string kMini = kPuzzles + "/mini";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int Shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool Has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/lab-gradescope-test-XXXXXX";
    if (mkdtemp(tmpl) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    if (!path_.empty()) fs::remove_all(path_);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(ZipWriterTest, Crc32OfTheCheckString) {
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(Crc32(""), 0u);
}

TEST(ZipWriterTest, RefusesNamesThatLeaveTheFolder) {
  ZipWriter zip;
  EXPECT_FALSE(zip.Add("", "x"));
  EXPECT_FALSE(zip.Add("/etc/passwd", "x"));
  EXPECT_FALSE(zip.Add("a/../../b", "x"));
  EXPECT_FALSE(zip.Add("a//b", "x"));
  EXPECT_TRUE(zip.Add("a/b.txt", "x"));
  EXPECT_EQ(zip.entries(), 1u);
}

TEST(ZipWriterTest, UnzipReadsTheFilesAndTheirModes) {
  if (Shell("command -v unzip >/dev/null 2>&1") != 0) GTEST_SKIP() << "no unzip on this host";
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  ZipWriter zip;
  ASSERT_TRUE(zip.Add("run.sh", "#!/bin/sh\necho ran\n", 0755));
  ASSERT_TRUE(zip.Add("lab/ünïcode.txt", std::string("bytes\0and more", 14)));
  const std::string bytes = zip.Finish();
  std::ofstream(dir.path() + "/a.zip", std::ios::binary) << bytes;
  ASSERT_EQ(Shell("cd '" + dir.path() + "' && unzip -q a.zip && unzip -tq a.zip >/dev/null"), 0);
  EXPECT_EQ(ReadAll(dir.path() + "/run.sh"), "#!/bin/sh\necho ran\n");
  EXPECT_EQ(ReadAll(dir.path() + "/lab/ünïcode.txt"), std::string("bytes\0and more", 14));
  EXPECT_EQ(Shell("'" + dir.path() + "/run.sh' >/dev/null"), 0) << "the executable bit is kept";
  EXPECT_EQ(fs::status(dir.path() + "/lab/ünïcode.txt").permissions() & fs::perms::owner_exec,
            fs::perms::none);
}

TEST(GradescopeTest, TheZipHoldsTheScriptsTheLabAndOnlyThisPuzzle) {
  if (Shell("command -v unzip >/dev/null 2>&1") != 0) GTEST_SKIP() << "no unzip on this host";
  TempDir dir;
  ASSERT_EQ(Shell("cd '" + dir.path() + "' && LAB_PUZZLES_DIR='" + kPuzzles + "' '" + kLab +
                  "' gradescope mini -o ag.zip >out.txt 2>&1"),
            0)
      << ReadAll(dir.path() + "/out.txt");
  ASSERT_EQ(Shell("cd '" + dir.path() + "' && unzip -Z1 ag.zip >list.txt"), 0);
  const std::string list = ReadAll(dir.path() + "/list.txt");
  for (const char* f : {"setup.sh\n", "run_autograder\n", "lab/CMakeLists.txt\n",
                        "lab/detector/include/lab/sync.h\n", "lab/harness/cli/main.cc\n",
                        "lab/puzzles/mini/spec.cpp\n"}) {
    EXPECT_TRUE(Has(list, f)) << f << " missing from\n" << list;
  }
  EXPECT_FALSE(Has(list, "lab/puzzles/fizzbuzz/")) << list;
  EXPECT_FALSE(Has(list, "lab/tests/")) << list;
  EXPECT_FALSE(Has(list, "/build/")) << list;
  // Usage errors keep the CLI's exit status.
  EXPECT_EQ(Shell("cd '" + dir.path() + "' && LAB_PUZZLES_DIR='" + kPuzzles + "' '" + kLab +
                  "' gradescope nosuch >/dev/null 2>&1"),
            2);
  EXPECT_EQ(Shell("'" + kLab + "' gradescope >/dev/null 2>&1"), 2);
}

// Runs the autograder as Gradescope does, once per submission in `submissions` (a folder of
// folders, each the content of one /autograder/submission), and leaves each results.json as
// <out>/<name>.json. Returns "" or why it cannot run here.
std::string RoundTrip(const std::string& zip, const std::string& submissions,
                      const std::string& out) {
  if (geteuid() != 0) return "needs root: a mount namespace with a tmpfs over /autograder";
  if (Shell("command -v unshare >/dev/null 2>&1 && command -v unzip >/dev/null 2>&1") != 0) {
    return "needs unshare and unzip";
  }
  if (Shell("unshare --mount --propagation private true 2>/dev/null") != 0) {
    return "the kernel refuses a mount namespace here";
  }
  // /autograder must exist to be mounted over; it is made (and removed) when it is missing.
  const bool made = !fs::exists("/autograder");
  if (made && !fs::create_directory("/autograder")) return "cannot create /autograder";
  const std::string script = out + "/roundtrip.sh";
  std::ofstream(script) << "set -e\n"
                           "mount -t tmpfs tmpfs /autograder\n"
                           "mkdir -p /autograder/source /autograder/results\n"
                           "cd /autograder/source && unzip -q '" + zip + "'\n"
                           "cp run_autograder /autograder/run_autograder\n"
                           "LAB_PREBUILT='" LAB_BUILD_DIR "' bash setup.sh >'" + out + "/setup.log' 2>&1\n"
                           "for s in '" + submissions + "'/*; do\n"
                           "  rm -rf /autograder/submission /autograder/results/results.json\n"
                           "  cp -r \"$s\" /autograder/submission\n"
                           "  /autograder/run_autograder >\"" + out + "/$(basename \"$s\").log\" 2>&1 || true\n"
                           "  cp /autograder/results/results.json \"" + out + "/$(basename \"$s\").json\"\n"
                           "done\n";
  const int rc = Shell("unshare --mount --propagation private bash '" + script + "' >'" + out +
                       "/roundtrip.log' 2>&1");
  if (made) fs::remove("/autograder");
  if (rc != 0) return "round trip failed: " + ReadAll(out + "/roundtrip.log") + ReadAll(out + "/setup.log");
  return "";
}

TEST(GradescopeTest, RoundTripInAFakeAutograderRoot) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string zip = dir.path() + "/autograder.zip";
  ASSERT_EQ(Shell("LAB_PUZZLES_DIR='" + kPuzzles + "' '" + kLab + "' gradescope mini -o '" + zip +
                  "' >/dev/null"),
            0);
  const std::string subs = dir.path() + "/submissions";
  fs::create_directories(subs + "/ref");
  fs::create_directories(subs + "/race");
  fs::create_directories(subs + "/two");
  fs::create_directories(subs + "/none");
  fs::copy_file(kMini + "/reference.cpp", subs + "/ref/mini.cpp");
  fs::copy_file(kMini + "/buggy/race.cpp", subs + "/race/counter.cpp");
  fs::copy_file(kMini + "/reference.cpp", subs + "/two/a.cpp");
  fs::copy_file(kMini + "/buggy/race.cpp", subs + "/two/b.cpp");
  std::ofstream(subs + "/none/README.txt") << "forgot the file\n";

  const std::string why = RoundTrip(zip, subs, dir.path());
  if (why.rfind("round trip failed", 0) == 0) FAIL() << why;
  if (!why.empty()) GTEST_SKIP() << why;

  const nlohmann::json ref = nlohmann::json::parse(ReadAll(dir.path() + "/ref.json"));
  EXPECT_EQ(ref["score"], 5) << ref.dump(2);
  EXPECT_EQ(ref["max_score"], 5);
  ASSERT_EQ(ref["tests"].size(), 2u);
  for (const auto& t : ref["tests"]) EXPECT_EQ(t["status"], "passed") << t.dump();

  const nlohmann::json race = nlohmann::json::parse(ReadAll(dir.path() + "/race.json"));
  EXPECT_EQ(race["score"], 0) << race.dump(2);
  ASSERT_FALSE(race["extra_data"]["findings"].empty());
  EXPECT_EQ(race["extra_data"]["findings"][0]["id"], "data-race");
  EXPECT_TRUE(Has(race["tests"][0]["output"].get<std::string>(),
                  "lab check mini counter.cpp --replay"))
      << race.dump(2);

  for (const char* name : {"two", "none"}) {
    SCOPED_TRACE(name);
    const nlohmann::json j = nlohmann::json::parse(ReadAll(dir.path() + "/" + name + ".json"));
    EXPECT_EQ(j["score"], 0) << j.dump(2);
    EXPECT_EQ(j["extra_data"]["status"], "rejected") << j.dump(2);
  }
  EXPECT_TRUE(Has(ReadAll(dir.path() + "/two.json"), "2 .cpp files"));
}

}  // namespace
}  // namespace lab::grader
