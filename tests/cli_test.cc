// End-to-end tests of the `lab` command (harness/cli): the real build/harness/lab binary on
// the fixture puzzle tests/fixtures/puzzles/mini (a counter), from a temporary working
// directory, as a student and an instructor would run it.
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "xml_check.h"

namespace {

namespace fs = std::filesystem;

const std::string kLab = std::string(LAB_BUILD_DIR) + "/harness/lab";
const std::string kPuzzles = std::string(LAB_TEST_FIXTURES) + "/puzzles";
const std::string kMini = kPuzzles + "/mini";

struct Outcome {
  int code = -1;
  std::string out;
  std::string err;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// A fresh directory per test, removed afterwards.
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/lab-cli-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `lab <args>` in `cwd` (default: the test's directory) with the fixture puzzles.
  Outcome Lab(const std::string& args, const std::string& cwd = "") {
    return Shell("LAB_PUZZLES_DIR=" + Quote(kPuzzles) + " " + Quote(kLab) + " " + args, cwd);
  }

  Outcome Shell(const std::string& command, const std::string& cwd = "") {
    const std::string out = dir_ + "/.stdout", err = dir_ + "/.stderr";
    const std::string line = "cd " + Quote(cwd.empty() ? dir_ : cwd) + " && " + command + " >" +
                             Quote(out) + " 2>" + Quote(err);
    const int status = std::system(line.c_str());
    Outcome r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = ReadAll(out);
    r.err = ReadAll(err);
    return r;
  }

  std::string dir_;
};

bool Has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

// The failure block of `scenario` in a `lab check` report: from its "FAIL <scenario> (" line
// through its "replay: lab check" line.
std::string Block(const std::string& report, const std::string& scenario) {
  const std::size_t start = report.find("\nFAIL " + scenario + " (");
  if (start == std::string::npos) return "";
  const std::size_t replay = report.find("\nreplay: lab check", start + 1);
  if (replay == std::string::npos) return "";
  return report.substr(start + 1, report.find('\n', replay + 1) - start);
}

TEST_F(CliTest, ExplainPrintsTheTeachingText) {
  const Outcome r = Lab("explain deadlock");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "Deadlock (deadlock)")) << r.out;
  EXPECT_GT(r.out.size(), 200u);
}

TEST_F(CliTest, ExplainUnknownIdIsAUsageErrorListingTheIds) {
  const Outcome r = Lab("explain nope");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Has(r.err, "unknown finding id 'nope'")) << r.err;
  EXPECT_TRUE(Has(r.err, "data-race")) << r.err;
  EXPECT_TRUE(Has(r.err, "lock-order-inversion")) << r.err;
}

TEST_F(CliTest, ExplainWithoutIdListsEveryId) {
  const Outcome r = Lab("explain");
  EXPECT_EQ(r.code, 0);
  for (const char* id : {"deadlock", "stall", "data-race", "hang", "resource-limit"}) {
    EXPECT_TRUE(Has(r.out, id)) << id;
  }
}

TEST_F(CliTest, ListShowsEachPuzzleWithWhatItTeaches) {
  const Outcome r = Lab("list");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "mini  Teaches: a shared counter needs one lock")) << r.out;
}

TEST_F(CliTest, ListOfAnEmptyPuzzlesFolderSaysSo) {
  const Outcome r = Shell("LAB_PUZZLES_DIR=" + Quote(dir_) + " " + Quote(kLab) + " list");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Has(r.err, "no puzzles in")) << r.err;
}

TEST_F(CliTest, UnknownCommandAndBadFlagsAreUsageErrors) {
  Outcome r = Lab("frobnicate");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Has(r.err, "unknown command 'frobnicate'")) << r.err;

  WriteFile(dir_ + "/mini.cpp", ReadAll(kMini + "/reference.cpp"));
  r = Lab("check mini mini.cpp --frobnicate");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Has(r.err, "unknown flag --frobnicate")) << r.err;
  r = Lab("check mini mini.cpp --jobs=many");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Has(r.err, "invalid value 'many' for --jobs")) << r.err;
  r = Lab("check mini mini.cpp --replay nocolon");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Has(r.err, "SCENARIO:TOKEN")) << r.err;
  r = Lab("check mini mini.cpp --replay racy:v1.pct.1.3.2.s");  // before tokens carried k
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Has(r.err, "does not record the schedule length")) << r.err;
  r = Lab("check mini mini.cpp --replay racy:v2.min.1-x");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Has(r.err, "bad replay token")) << r.err;
  r = Lab("check mini");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Has(r.err, "missing arguments")) << r.err;
  r = Lab("grade mini .");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Has(r.err, "-o <out> is required")) << r.err;
}

TEST_F(CliTest, CheckHelpShowsTheCheckFlagsOnly) {
  const Outcome r = Lab("check --help");
  EXPECT_EQ(r.code, 0);
  for (const char* flag : {"--schedules-scale", "--seed", "--replay", "--tsan", "--html", "--json",
                           "--jobs"}) {
    EXPECT_TRUE(Has(r.out, flag)) << flag << "\n" << r.out;
  }
  EXPECT_FALSE(Has(r.out, "--force")) << "a grade flag in check's help";
}

TEST_F(CliTest, CheckOfAMissingFileOrUnknownPuzzleIsASetupError) {
  Outcome r = Lab("check mini nothere.cpp");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Has(r.err, "no such file: nothere.cpp")) << r.err;
  r = Lab("check nopuzzle nothere.cpp");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Has(r.err, "unknown puzzle 'nopuzzle'")) << r.err;
}

// --json and --html name files written when the check is done: a path whose directory is
// missing is refused before anything runs (it failed after the whole check, losing it).
TEST_F(CliTest, CheckRefusesAnOutputFileItCouldNotWriteBeforeItRuns) {
  WriteFile(dir_ + "/mini.cpp", ReadAll(kMini + "/starter.cpp"));
  Outcome r = Lab("check mini mini.cpp --json nodir/results.json");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Has(r.err, "--json nodir/results.json: no such directory: nodir")) << r.err;
  EXPECT_FALSE(Has(r.out, "score:")) << r.out;  // refused before the check
  r = Lab("check mini mini.cpp --html .");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Has(r.err, "--html . is a directory")) << r.err;
}

TEST_F(CliTest, NewCopiesTheStarterAndNeverOverwrites) {
  Outcome r = Lab("new mini");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(ReadAll(dir_ + "/mini.cpp"), ReadAll(kMini + "/starter.cpp"));
  WriteFile(dir_ + "/mine.cpp", "my work\n");
  r = Lab("new mini mine.cpp");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Has(r.err, "already exists")) << r.err;
  EXPECT_EQ(ReadAll(dir_ + "/mine.cpp"), "my work\n");
}

// --std copies the standard-C++ starter (std/starter.cpp), with the same never-overwrite
// rule; a puzzle without one is a usage error that says so.
TEST_F(CliTest, NewStdCopiesTheStandardCxxStarter) {
  Outcome r = Lab("new mini --std");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "standard-C++ starter")) << r.out;
  EXPECT_EQ(ReadAll(dir_ + "/mini.cpp"), ReadAll(kMini + "/std/starter.cpp"));
  EXPECT_NE(ReadAll(dir_ + "/mini.cpp"), ReadAll(kMini + "/starter.cpp"));
  r = Lab("new --std mini mine.cpp");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(ReadAll(dir_ + "/mine.cpp"), ReadAll(kMini + "/std/starter.cpp"));
  r = Lab("new mini mine.cpp --std");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Has(r.err, "already exists")) << r.err;

  const std::string puzzles = dir_ + "/puzzles";
  fs::create_directories(puzzles + "/labonly");
  fs::copy_file(kMini + "/starter.cpp", puzzles + "/labonly/starter.cpp");
  r = Shell("LAB_PUZZLES_DIR=" + Quote(puzzles) + " " + Quote(kLab) + " new labonly --std");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Has(r.err, "no std/starter.cpp")) << r.err;
  EXPECT_FALSE(fs::exists(dir_ + "/labonly.cpp"));

  r = Lab("new --help");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out + r.err, "--std")) << r.out << r.err;
}

// `lab list` marks a puzzle that has a standard-C++ starter.
TEST_F(CliTest, ListMarksPuzzlesWithAStandardCxxStarter) {
  const Outcome r = Lab("list");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "mini  Teaches: a shared counter needs one lock")) << r.out;
  EXPECT_TRUE(Has(r.out, "[also std::]")) << r.out;
}

TEST_F(CliTest, CheckOfASubmissionThatDoesNotCompileNamesItsLine) {
  WriteFile(dir_ + "/broken.cpp",
            "#include \"lab/sync.h\"\n"
            "class Counter {\n"
            " public:\n"
            "  Counter() {}\n"
            "  void add() { n_ += 1 }\n"
            "  int get() { return n_; }\n"
            " private:\n"
            "  lab::Shared<int> n_;\n"
            "};\n");
  const Outcome r = Lab("check mini broken.cpp");
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "did not compile")) << r.out;
  EXPECT_TRUE(Has(r.out, "broken.cpp:5:")) << r.out;
  EXPECT_TRUE(Has(r.out, "score: 0/5")) << r.out;
}


// `lab::Shared<bool> done{"done"}` (a name where the value belongs) made a flag that starts
// true: the string converts to bool. It is a compile error that says so, at the student's
// line, not a wrong-output with no hint why.
TEST_F(CliTest, CheckRefusesANameWhereASharedBoolsValueBelongs) {
  WriteFile(dir_ + "/flag.cpp",
            "#include <mutex>\n"
            "#include \"lab/sync.h\"\n"
            "class Counter {\n"
            " public:\n"
            "  void add() { std::lock_guard g(m_); n_ += 1; started_ = true; }\n"
            "  int get() { std::lock_guard g(m_); return started_ ? n_.load() : 0; }\n"
            " private:\n"
            "  lab::Mutex m_{\"m\"};\n"
            "  lab::Shared<int> n_{0, \"n\"};\n"
            "  lab::Shared<bool> started_{\"started\"};\n"
            "};\n");
  const Outcome r = Lab("check mini flag.cpp");
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "flag.cpp:10")) << r.out;
  EXPECT_TRUE(Has(r.out, "the value comes first")) << r.out;
}
TEST_F(CliTest, CheckOfTheReferencePassesWithFullMarks) {
  WriteFile(dir_ + "/mini.cpp", ReadAll(kMini + "/reference.cpp"));
  const Outcome r = Lab("check mini mini.cpp --json results.json --html report.html");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "  PASS  two_adders  3/3  two threads add 3 times each")) << r.out;
  EXPECT_TRUE(Has(r.out, "  PASS  reader      2/2  ")) << r.out;
  EXPECT_TRUE(Has(r.out, "\nscore: 5/5\n")) << r.out;
  const nlohmann::json j = nlohmann::json::parse(ReadAll(dir_ + "/results.json"));
  EXPECT_EQ(j["score"], 5);
  EXPECT_EQ(j["max_score"], 5);
  const std::string html = ReadAll(dir_ + "/report.html");
  EXPECT_TRUE(Has(html, "<!DOCTYPE html>")) << html;
  EXPECT_TRUE(Has(html, "two_adders")) << html;
}

// The buggy variant fails with a data race and prints a replay command; running that command
// (from the same folder, as a student would paste it) prints the same failure block byte for
// byte. The file is given relative to a sub-folder: `lab check` works from any directory.
TEST_F(CliTest, CheckOfABuggySubmissionFailsAndItsReplayReproducesTheReport) {
  WriteFile(dir_ + "/race.cpp", ReadAll(kMini + "/buggy/race.cpp"));
  fs::create_directories(dir_ + "/work");
  const Outcome r = Lab("check mini ../race.cpp", dir_ + "/work");
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "  FAIL  two_adders  0/3")) << r.out;
  EXPECT_TRUE(Has(r.out, "data-race")) << r.out;
  EXPECT_TRUE(Has(r.out, "race.cpp:8")) << r.out;
  EXPECT_TRUE(Has(r.out, "\nscore: 0/5\n")) << r.out;
  const std::string block = Block(r.out, "two_adders");
  ASSERT_FALSE(block.empty()) << r.out;

  const std::string marker = "replay: lab check ";
  const std::size_t at = block.rfind(marker);
  ASSERT_NE(at, std::string::npos) << block;
  const std::string command = block.substr(at + marker.size(), block.find('\n', at) - at - marker.size());
  EXPECT_TRUE(command.starts_with("mini ../race.cpp --replay two_adders:")) << command;
  const Outcome again = Lab("check " + command, dir_ + "/work");
  EXPECT_EQ(again.code, 1) << again.out << again.err;
  EXPECT_EQ(Block(again.out, "two_adders"), block) << again.out;
  EXPECT_FALSE(Has(again.out, "FAIL reader")) << "a replay runs one scenario only";
}

// A read through lab::Shared's implicit conversion (`if (n_ >= 0)`, the Python student's
// way) has no line of its own: the report names the line it is on, found from the
// operator's return address, not the thread's line before it (here lab::yield's).
TEST_F(CliTest, CheckNamesTheLineOfAReadThroughTheImplicitConversion) {
  WriteFile(dir_ + "/implicit.cpp", R"(#include <mutex>

#include "lab/sync.h"

class Counter {
 public:
  void add() {
    std::lock_guard<lab::Mutex> lk(m_);
    n_ += 1;
  }
  int get() {
    lab::yield();
    if (n_ >= 0) return n_;
    return -1;
  }

 private:
  lab::Mutex m_{"m"};
  lab::Shared<int> n_{0, "n"};
};
)");
  const Outcome r = Lab("check mini implicit.cpp");
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  const std::string block = Block(r.out, "reader");
  ASSERT_FALSE(block.empty()) << r.out;
  EXPECT_TRUE(Has(block, "data-race")) << block;
  EXPECT_TRUE(Has(block, "read by 'reader' at implicit.cpp:13")) << block;
  EXPECT_FALSE(Has(block, "read by 'reader' at implicit.cpp:12"))
      << "lab::yield's line stood in for the read\n" << block;
}

// A lab object built inside a std container (`std::vector<lab::Shared<int>> n_(1)`, a
// std::map's operator[]) has its std::source_location in the container's header. It is
// named after the student's line that built the container; it was '?:0' when the thread
// had run no lab operation yet (the spec constructs the Counter).
TEST_F(CliTest, CheckNamesAnObjectBuiltInsideAStdContainerAfterTheStudentsLine) {
  WriteFile(dir_ + "/in_vector.cpp", R"(#include <vector>

#include "lab/sync.h"

class Counter {
 public:
  Counter() : n_(1) {}
  void add() { n_[0] += 1; }
  int get() { return n_[0]; }

 private:
  std::vector<lab::Shared<int>> n_;
};
)");
  const Outcome r = Lab("check mini in_vector.cpp");
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  const std::string block = Block(r.out, "two_adders");
  ASSERT_FALSE(block.empty()) << r.out;
  EXPECT_TRUE(Has(block, "data-race")) << block;
  EXPECT_TRUE(Has(block, "on 'in_vector.cpp:7'")) << block;
  EXPECT_FALSE(Has(block, "?:0")) << block;
}

// --tsan: accesses under a lab::Mutex are ordered for ThreadSanitizer too (the lab's locks
// announce their acquire/release to it), so the reference gets no finding; a plain int
// nothing guards still gets ThreadSanitizer's data-race at the student's line. TSan sees it
// only in the stress runs, and only when the two adders overlapped there: the lab's runtime
// lock orders for TSan a thread that ended before the other was started (README, "--tsan").
// So the racy adder first waits a while for the other to arrive, through a relaxed atomic
// (no happens-before for TSan). Timing alone was not enough: with lab::yield() first the
// race went unseen in 9 of 600 runs of the scenario, and with a 1 ms sleep first it passed
// 550 runs here, loaded or not, but went unseen in a CI run beside the other suites (both
// failed CI). What TSan sees in real threads stays timing's: up to three checks, one of
// which must report the race (each of them did, 150 runs beside four busy loops).
TEST_F(CliTest, CheckWithTsanPassesTheReferenceAndFindsAPlainRace) {
  WriteFile(dir_ + "/mini.cpp", ReadAll(kMini + "/reference.cpp"));
  const Outcome ok = Lab("check mini mini.cpp --tsan");
  EXPECT_EQ(ok.code, 0) << ok.out << ok.err;
  EXPECT_FALSE(Has(ok.out, "data-race")) << ok.out;
  EXPECT_TRUE(Has(ok.out, "\nscore: 5/5\n")) << ok.out;

  WriteFile(dir_ + "/plain.cpp", R"(#include <atomic>
#include <mutex>
#include "lab/sync.h"
class Counter {
 public:
  void add() {
    arrived_.fetch_add(1, std::memory_order_relaxed);
    for (int i = 0; i < 5000 && arrived_.load(std::memory_order_relaxed) < 2; ++i) lab::yield();
    plain_ += 1;
    std::lock_guard<lab::Mutex> lk(m_);
    n_ += 1;
  }
  int get() {
    std::lock_guard<lab::Mutex> lk(m_);
    return n_.load();
  }

 private:
  std::atomic<int> arrived_{0};
  int plain_ = 0;
  lab::Mutex m_{"m"};
  lab::Shared<int> n_{0, "n"};
};
)");
  std::string misses;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    const Outcome racy = Lab("check mini plain.cpp --tsan");
    if (racy.code == 1 && Has(racy.out, "ThreadSanitizer: ")) {
      EXPECT_TRUE(Has(racy.out, "plain.cpp:9")) << racy.out;
      return;
    }
    misses += "attempt " + std::to_string(attempt) + ": exit " + std::to_string(racy.code) +
              "\n" + racy.out + racy.err;
  }
  ADD_FAILURE() << "no ThreadSanitizer race in three checks:\n" << misses;
}

// A class folder with one submission of every kind: each gets the right score and a
// results.json, the grader carries on past every one of them, the class files are well-formed,
// and a second run skips the unchanged ones.
TEST_F(CliTest, GradeAClassFolder) {
  const std::string cls = dir_ + "/class";
  WriteFile(cls + "/ref.cpp", ReadAll(kMini + "/reference.cpp"));
  WriteFile(cls + "/race.cpp", ReadAll(kMini + "/buggy/race.cpp"));
  WriteFile(cls + "/bad.cpp", "#include \"lab/sync.h\"\nclass Counter { void add() { oops } };\n");
  WriteFile(cls + "/exit0/solution.cpp",
            "#include <cstdlib>\n#include <thread>\n#include \"lab/sync.h\"\n"
            "class Counter {\n public:\n  Counter() {}\n"
            "  void add() { std::thread([] { std::exit(0); }).join(); }\n"
            "  int get() { return 6; }\n};\n");
  // Prints a perfect Gradescope document and a lab-looking record on stdout and fd 3, then
  // ends the process before any scenario runs.
  WriteFile(cls + "/forge.cpp",
            "#include <unistd.h>\n#include <cstdio>\n#include <cstring>\n#include \"lab/sync.h\"\n"
            "namespace {\nstruct Forge {\n  Forge() {\n"
            "    std::puts(\"{\\\"score\\\": 5, \\\"max_score\\\": 5, \\\"tests\\\": []}\");\n"
            "    const char* rec = \"{\\\"record\\\":\\\"lab-scenario-v1\\\",\\\"scenario\\\":"
            "\\\"two_adders\\\",\\\"completed\\\":true,\\\"key\\\":\\\"\\\",\\\"findings\\\":[]}\\n\";\n"
            "    std::fputs(rec, stdout);\n    if (write(3, rec, std::strlen(rec)) < 0) {}\n"
            "    std::fflush(stdout);\n    _exit(0);\n  }\n} forge;\n}  // namespace\n"
            "class Counter {\n public:\n  Counter() {}\n  void add() {}\n  int get() { return 0; }\n};\n");
  WriteFile(cls + "/spin.cpp",
            "#include \"lab/sync.h\"\nclass Counter {\n public:\n  Counter() {}\n"
            "  void add() { for (volatile int i = 0;; i = i + 1) {} }\n  int get() { return 0; }\n};\n");
  WriteFile(cls + "/two/a.cpp", ReadAll(kMini + "/reference.cpp"));
  WriteFile(cls + "/two/b.cpp", ReadAll(kMini + "/reference.cpp"));
  WriteFile(cls + "/notes.txt", "not a submission\n");
  ASSERT_EQ(symlink("/etc/passwd", (cls + "/link.cpp").c_str()), 0);

  const Outcome r = Lab("grade mini class -o out -j 2 --timeout 20");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  // A link is never followed, and gets a row of its own (issue #10: no student goes missing).
  EXPECT_TRUE(Has(r.out, "graded 8 submissions of mini (skipped 0 unchanged)")) << r.out;
  EXPECT_TRUE(Has(ReadAll(dir_ + "/out/link/results.json"), "symbolic link"));

  struct Expect {
    const char* student;
    int score;
    const char* status;
    const char* first_finding;
  };
  const Expect expected[] = {
      {"bad", 0, "compile-error", "compile-error"}, {"exit0", 0, "graded", "crash"},
      {"forge", 0, "graded", "crash"},              {"race", 0, "graded", "data-race"},
      {"ref", 5, "graded", ""},                     {"spin", 0, "graded", "hang"},
      {"two", 0, "rejected", "compile-error"},      {"link", 0, "rejected", "compile-error"},
  };
  for (const Expect& e : expected) {
    SCOPED_TRACE(e.student);
    const std::string path = dir_ + "/out/" + e.student + "/results.json";
    ASSERT_TRUE(fs::exists(path));
    const nlohmann::json j = nlohmann::json::parse(ReadAll(path));
    EXPECT_EQ(j["score"], e.score);
    EXPECT_EQ(j["max_score"], 5);
    EXPECT_EQ(j["extra_data"]["status"], e.status);
    EXPECT_EQ(j["tests"].size(), 2u);
    const auto& findings = j["extra_data"]["findings"];
    if (e.first_finding[0] == '\0') {
      EXPECT_TRUE(findings.empty()) << findings.dump();
    } else {
      ASSERT_FALSE(findings.empty());
      EXPECT_EQ(findings[0]["id"], e.first_finding) << findings.dump();
    }
    // The student's page: the score and, for a traced failure, the drawn schedule.
    const std::string html = ReadAll(dir_ + "/out/" + e.student + "/report.html");
    EXPECT_TRUE(Has(html, "score " + std::to_string(e.score) + "/5")) << html;
    if (std::string(e.first_finding) == "data-race") {
      EXPECT_TRUE(Has(html, "<section class=\"lab-failure\"")) << html;
      EXPECT_TRUE(Has(html, "class=\"lab-slider\"")) << html;
    }
  }
  const nlohmann::json two = nlohmann::json::parse(ReadAll(dir_ + "/out/two/results.json"));
  EXPECT_TRUE(Has(two["output"], "2 .cpp files")) << two.dump(2);

  const std::string csv = ReadAll(dir_ + "/out/gradebook.csv");
  EXPECT_EQ(csv,
            "student,score,max_score,two_adders,reader,first_finding,submission\r\n"
            "bad,0,5,0,0,compile-error,bad.cpp\r\n"
            "exit0,0,5,0,0,crash,exit0/solution.cpp\r\n"
            "forge,0,5,0,0,crash,forge.cpp\r\n"
            "link,0,5,0,0,rejected,link.cpp\r\n"
            "race,0,5,0,0,data-race,race.cpp\r\n"
            "ref,5,5,3,2,,ref.cpp\r\n"
            "spin,0,5,0,0,hang,spin.cpp\r\n"
            "two,0,5,0,0,rejected,two\r\n");
  const std::string junit = ReadAll(dir_ + "/out/junit.xml");
  EXPECT_TRUE(lab::grader::testing::XmlWellFormed(junit)) << junit;
  EXPECT_TRUE(Has(junit, "<testsuite name=\"ref\" tests=\"2\" failures=\"0\"")) << junit;
  EXPECT_TRUE(Has(junit, "<testsuite name=\"spin\" tests=\"2\" failures=\"2\"")) << junit;

  // Unchanged submissions are not graded again; the class files still list everyone.
  const Outcome again = Lab("grade mini class -o out -j 2 --timeout 20");
  ASSERT_EQ(again.code, 0) << again.out << again.err;
  EXPECT_TRUE(Has(again.out, "skipped 6 unchanged")) << again.out;
  EXPECT_EQ(ReadAll(dir_ + "/out/gradebook.csv"), csv);
}

}  // namespace
