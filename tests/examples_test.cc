// The library-mode examples (examples/*.cpp, DESIGN §7): every example is run as its own
// process with LAB_REPORT set, and what the lab wrote is checked: the exit status (35 when
// the lab ended a real deadlock or stall), the exact finding ids in the JSON report, the
// threads, the objects, the sites (basename:line) and the "lab: <id>" text on stderr.
//
// Expected lines are never hard-coded: each example marks them with a comment
// `// <- name` on the line, and MarkerSite("example", "name") finds it.
//
// The executables are built by examples/CMakeLists.txt (target `examples`, part of `make`);
// this test does not depend on them in CMake, so it says clearly when one is missing.

#include <fcntl.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lab/explore.h"
#include "lab/finding.h"
#include "lab/report.h"

extern char** environ;

namespace lab {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAreArray;

constexpr auto kRunLimit = std::chrono::seconds(10);

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// "data-race" -> build/examples/example_data_race
fs::path ExamplePath(std::string name) {
  std::replace(name.begin(), name.end(), '-', '_');
  return fs::path(LAB_BUILD_DIR) / "examples" / ("example_" + name);
}

fs::path ExampleSource(const std::string& name) {
  return fs::path(LAB_SOURCE_DIR) / "examples" / (name + ".cpp");
}

// "<example>.cpp:<line>" of the one line of examples/<example>.cpp that carries the marker
// comment `// <- <marker>` (followed by the end of the line or a non-name character).
std::string MarkerSite(const std::string& example, const std::string& marker) {
  const fs::path src = ExampleSource(example);
  std::ifstream in(src);
  if (!in) {
    ADD_FAILURE() << "cannot read " << src;
    return "?";
  }
  const std::string needle = "// <- " + marker;
  std::vector<int> lines;
  std::string text;
  for (int n = 1; std::getline(in, text); ++n) {
    for (std::size_t at = text.find(needle); at != std::string::npos;
         at = text.find(needle, at + 1)) {
      const std::size_t end = at + needle.size();
      const bool whole = end == text.size() ||
                         !(std::isalnum(static_cast<unsigned char>(text[end])) ||
                           text[end] == '-' || text[end] == '_');
      if (whole) {
        lines.push_back(n);
        break;
      }
    }
  }
  if (lines.size() != 1) {
    ADD_FAILURE() << src << ": expected exactly one line marked `" << needle << "`, found "
                  << lines.size();
    return "?";
  }
  return example + ".cpp:" + std::to_string(lines[0]);
}

struct RunResult {
  bool started = false;
  bool timed_out = false;
  int status = 0;  // waitpid status
  std::chrono::duration<double> elapsed{0};  // until the process ended
  // Until LAB_REPORT appeared, i.e. until the lab wrote it (the same as `elapsed` but for
  // what happens after: under TSan, _exit with threads still alive sleeps 1 s first).
  std::optional<std::chrono::duration<double>> report_written;
  std::string out, err;
  bool report_exists = false;
  std::string report;             // the LAB_REPORT file, verbatim
  bool report_parsed = false;
  std::vector<Finding> findings;  // FindingsFromJson(report)

  std::string Status() const {
    if (!started) return "not started";
    if (timed_out) return "killed after the time limit";
    if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
      return "killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
             strsignal(WTERMSIG(status)) + ")";
    }
    return "wait status " + std::to_string(status);
  }
  // A short account for failure messages.
  std::string Describe() const {
    std::string s = Status() + "\nreport findings:";
    for (const Finding& f : findings) {
      s += "\n  " + std::string(f.id()) + "  threads:";
      for (const auto& t : f.threads) s += " " + t;
      s += "  sites:";
      for (const auto& site : f.sites) s += " " + FormatSite(site);
    }
    if (!report_exists) s += " (no report file)";
    else if (!report_parsed) s += " (unparsable report: " + report.substr(0, 200) + ")";
    s += "\nstderr:\n" + err.substr(0, 4000);
    return s;
  }
};

// Runs build/examples/example_<name> with LAB_REPORT=<temp file> (and the default
// deadlock policy), capturing stdout and stderr; kills it after kRunLimit.
RunResult RunExample(const std::string& name) {
  RunResult r;
  const fs::path exe = ExamplePath(name);
  if (!fs::exists(exe)) {
    ADD_FAILURE() << "example executable " << exe
                  << " is missing: build the examples first (`make`, or `cmake --build build "
                     "--target examples`)";
    return r;
  }
  std::string dir_template = (fs::temp_directory_path() / "lab-examples-XXXXXX").string();
  if (mkdtemp(dir_template.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
    return r;
  }
  const fs::path dir = dir_template;
  const fs::path report = dir / "report.json";
  const fs::path out = dir / "stdout.txt";
  const fs::path err = dir / "stderr.txt";

  // The environment: ours, minus the lab's knobs that would change the outcome.
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view v(*e);
    if (v.starts_with("LAB_REPORT=") || v.starts_with("LAB_ON_DEADLOCK=") ||
        v.starts_with("NO_COLOR=")) {
      continue;
    }
    env.emplace_back(v);
  }
  env.push_back("LAB_REPORT=" + report.string());
  env.push_back("NO_COLOR=1");
  std::vector<char*> envp;
  for (auto& s : env) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string exe_s = exe.string();
  char* argv[] = {exe_s.data(), nullptr};
  const std::string out_s = out.string(), err_s = err.string();

  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid < 0) {
    ADD_FAILURE() << "fork: " << std::strerror(errno);
    return r;
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until execve.
    setpgid(0, 0);
    const int in_fd = open("/dev/null", O_RDONLY);
    const int out_fd = open(out_s.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err_fd = open(err_s.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in_fd < 0 || out_fd < 0 || err_fd < 0) _exit(127);
    dup2(in_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    execve(argv[0], argv, envp.data());
    _exit(127);
  }
  r.started = true;
  setpgid(pid, pid);  // also from here, so the group exists before any kill below
  while (true) {
    const pid_t w = waitpid(pid, &r.status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) {
      ADD_FAILURE() << "waitpid: " << std::strerror(errno);
      break;
    }
    if (std::chrono::steady_clock::now() - start > kRunLimit) {
      r.timed_out = true;
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      waitpid(pid, &r.status, 0);
      break;
    }
    if (!r.report_written && fs::exists(report)) {
      r.report_written = std::chrono::steady_clock::now() - start;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  r.elapsed = std::chrono::steady_clock::now() - start;
  if (!r.report_written) r.report_written = r.elapsed;
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  r.report_exists = fs::exists(report);
  if (r.report_exists) {
    r.report = ReadFile(report);
    r.report_parsed = FindingsFromJson(r.report, &r.findings);
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return r;
}

std::vector<std::string> Ids(const std::vector<Finding>& fs) {
  std::vector<std::string> ids;
  for (const Finding& f : fs) ids.emplace_back(f.id());
  return ids;
}

std::vector<std::string> Sites(const std::vector<SourceSite>& sites) {
  std::vector<std::string> out;
  for (const SourceSite& s : sites) out.push_back(FormatSite(s));
  return out;
}

// The finding with `id` (the first), or null.
const Finding* Find(const RunResult& r, std::string_view id) {
  for (const Finding& f : r.findings) {
    if (f.id() == id) return &f;
  }
  return nullptr;
}

// What every example run must show: the exit status, a parsable report with exactly
// `ids` (in order), and one "lab: <id>" text report on stderr per finding.
void ExpectRun(const RunResult& r, int exit_status, const std::vector<std::string>& ids) {
  ASSERT_TRUE(r.started) << "the example did not run";
  EXPECT_FALSE(r.timed_out) << "the example did not finish within "
                            << kRunLimit.count() << " s\n" << r.Describe();
  EXPECT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == exit_status)
      << "expected exit status " << exit_status << ", got " << r.Status() << "\n"
      << r.Describe();
  ASSERT_TRUE(r.report_exists) << "LAB_REPORT was not written\n" << r.Describe();
  ASSERT_TRUE(r.report_parsed) << "LAB_REPORT is not a findings document:\n" << r.report;
  EXPECT_THAT(Ids(r.findings), ElementsAreArray(ids)) << r.Describe();
  std::size_t headers = 0;
  for (std::size_t at = r.err.find("lab: "); at != std::string::npos;
       at = r.err.find("lab: ", at + 1)) {
    if (at == 0 || r.err[at - 1] == '\n') ++headers;
  }
  EXPECT_EQ(headers, ids.size()) << "one text report per finding on stderr\n" << r.err;
  for (const std::string& id : ids) {
    EXPECT_THAT(r.err, HasSubstr("lab: " + id + " ")) << "stderr lacks the text report";
  }
}

// One finding's threads, sites and objects, as sets (the order of the threads of a race
// or a cycle depends on which thread the lab caught second).
void ExpectFinding(const Finding* f, std::string_view id, const std::vector<std::string>& threads,
                   const std::vector<std::string>& sites,
                   const std::vector<std::string>& objects) {
  ASSERT_NE(f, nullptr) << "no " << id << " finding";
  EXPECT_THAT(f->threads, UnorderedElementsAreArray(threads)) << id;
  EXPECT_THAT(Sites(f->sites), UnorderedElementsAreArray(sites)) << id;
  EXPECT_THAT(f->objects, UnorderedElementsAreArray(objects)) << id;
  EXPECT_FALSE(f->message.empty()) << id;
  // Messages name sites as the student sees them (basename:line), like the sites list:
  // no build machine's directories.
  EXPECT_THAT(f->message, Not(HasSubstr(LAB_SOURCE_DIR "/examples/"))) << id;
}

// A step of a finding, as "thread|action|object|site|site2" (sites as basename:line).
std::vector<std::string> Steps(const Finding& f) {
  std::vector<std::string> out;
  for (const FindingStep& s : f.steps) {
    out.push_back(s.thread + "|" + s.action + "|" + s.object + "|" +
                  (s.site.known() ? FormatSite(s.site) : "") + "|" +
                  (s.site2.known() ? FormatSite(s.site2) : ""));
  }
  return out;
}

// ---- the examples ----------------------------------------------------------------------

TEST(Examples, DeadlockIsReportedAtOnceWithItsCycleAndEndsTheProcess) {
  const RunResult r = RunExample("deadlock");
  // The inversion (a → b in alice, b → a in bob) is noticed when the second thread reaches
  // for its second lock, just before it blocks and closes the wait-for cycle.
  ASSERT_NO_FATAL_FAILURE(ExpectRun(r, kDeadlockExitStatus, {"lock-order-inversion", "deadlock"}));
  const std::string a_holds = MarkerSite("deadlock", "alice-holds-a");
  const std::string a_waits = MarkerSite("deadlock", "alice-waits-for-b");
  const std::string b_holds = MarkerSite("deadlock", "bob-holds-b");
  const std::string b_waits = MarkerSite("deadlock", "bob-waits-for-a");

  const Finding* dl = Find(r, "deadlock");
  ExpectFinding(dl, "deadlock", {"alice", "bob"}, {a_waits, b_waits}, {"a", "b"});
  if (dl != nullptr) {
    // The cycle: each thread holds one lock (where it took it) and waits for the other.
    EXPECT_THAT(Steps(*dl), UnorderedElementsAreArray({
                                "alice|holds|a||" + a_holds,
                                "alice|waits for|b|" + a_waits + "|",
                                "bob|holds|b||" + b_holds,
                                "bob|waits for|a|" + b_waits + "|",
                            }))
        << r.Describe();
  }
  ExpectFinding(Find(r, "lock-order-inversion"), "lock-order-inversion", {"alice", "bob"},
                {a_holds, a_waits, b_holds, b_waits}, {"a", "b"});
  EXPECT_THAT(r.err, HasSubstr("waits for Mutex 'a' held by 'alice'"));
  // At once: found when the second thread blocks, not by the stall check (which needs
  // two quiet rechecks of 250 ms each).
  ASSERT_TRUE(r.report_written.has_value());
  EXPECT_LT(r.report_written->count(), 0.45) << "the deadlock was not reported at once";
  EXPECT_THAT(r.out, Not(HasSubstr("got both locks")));
}

TEST(Examples, StallIsReportedAfterTheQuietChecksAndEndsTheProcess) {
  const RunResult r = RunExample("stall");
  ASSERT_NO_FATAL_FAILURE(ExpectRun(r, kDeadlockExitStatus, {"stall"}));
  ExpectFinding(Find(r, "stall"), "stall", {"main", "consumer"},
                {MarkerSite("stall", "main-waits"), MarkerSite("stall", "consumer-waits")},
                {"done", "items"});
  ASSERT_TRUE(r.report_written.has_value());
  EXPECT_LT(r.report_written->count(), 3.0) << "the stall took too long to notice";
}

TEST(Examples, SelfDeadlockIsReportedWithBothSitesAndEndsTheProcess) {
  // Locking a held lab::Mutex again would block its owner forever: a real deadlock, so
  // library mode ends the process like any other (exit status 35).
  const RunResult r = RunExample("self-deadlock");
  ASSERT_NO_FATAL_FAILURE(ExpectRun(r, kDeadlockExitStatus, {"self-deadlock"}));
  ExpectFinding(Find(r, "self-deadlock"), "self-deadlock", {"main"},
                {MarkerSite("self-deadlock", "first-lock"),
                 MarkerSite("self-deadlock", "locks-again")},
                {"account"});
}

TEST(Examples, LockOrderInversionIsReportedWithoutADeadlock) {
  const RunResult r = RunExample("lock-order-inversion");
  ASSERT_NO_FATAL_FAILURE(ExpectRun(r, 0, {"lock-order-inversion"}));
  const std::string ab_a = MarkerSite("lock-order-inversion", "ab-takes-a");
  const std::string ab_b = MarkerSite("lock-order-inversion", "ab-takes-b");
  const std::string ba_b = MarkerSite("lock-order-inversion", "ba-takes-b");
  const std::string ba_a = MarkerSite("lock-order-inversion", "ba-takes-a");
  const Finding* f = Find(r, "lock-order-inversion");
  ExpectFinding(f, "lock-order-inversion", {"transfer_ab", "transfer_ba"},
                {ab_a, ab_b, ba_b, ba_a}, {"a", "b"});
  if (f != nullptr) {
    // Both acquisition sites of every edge: where the second lock was taken (site) while
    // holding the first (site2).
    EXPECT_THAT(Steps(*f), UnorderedElementsAreArray({
                               "transfer_ab|locks|b|" + ab_b + "|" + ab_a,
                               "transfer_ba|locks|a|" + ba_a + "|" + ba_b,
                           }))
        << r.Describe();
  }
  EXPECT_THAT(r.out, HasSubstr("a=100 b=100"));
}

TEST(Examples, DataRaceIsReportedWithBothThreads) {
  const RunResult r = RunExample("data-race");
  ASSERT_NO_FATAL_FAILURE(ExpectRun(r, 0, {"data-race"}));
  const std::string inc = MarkerSite("data-race", "increment");
  ExpectFinding(Find(r, "data-race"), "data-race", {"left", "right"}, {inc, inc}, {"hits"});
}

TEST(Examples, UnlockNotOwnerIsReportedAndTheProgramGoesOn) {
  const RunResult r = RunExample("unlock-not-owner");
  ASSERT_NO_FATAL_FAILURE(ExpectRun(r, 0, {"unlock-not-owner"}));
  const Finding* f = Find(r, "unlock-not-owner");
  ExpectFinding(f, "unlock-not-owner", {"worker", "main"},
                {MarkerSite("unlock-not-owner", "worker-unlocks")}, {"work_done"});
  if (f != nullptr) {
    EXPECT_THAT(f->message, HasSubstr("lab::Semaphore"));
    EXPECT_THAT(Steps(*f), ::testing::Contains("main|holds|work_done||" +
                                             MarkerSite("unlock-not-owner", "main-locks")));
  }
  EXPECT_THAT(r.out, HasSubstr("result = 42"));
}

TEST(Examples, UnlockUnlockedIsReported) {
  const RunResult r = RunExample("unlock-unlocked");
  ASSERT_NO_FATAL_FAILURE(ExpectRun(r, 0, {"unlock-unlocked"}));
  ExpectFinding(Find(r, "unlock-unlocked"), "unlock-unlocked", {"main"},
                {MarkerSite("unlock-unlocked", "unlock")}, {"cache"});
  EXPECT_THAT(r.out, HasSubstr("done"));
}

TEST(Examples, DestroyedWhileLockedIsReported) {
  // One mistake, one finding: the lock no longer exists when main ends, so main does not
  // also "exit holding" it.
  const RunResult r = RunExample("destroyed-while-locked");
  ASSERT_NO_FATAL_FAILURE(ExpectRun(r, 0, {"destroyed-while-locked"}));
  ExpectFinding(Find(r, "destroyed-while-locked"), "destroyed-while-locked", {"main"},
                {MarkerSite("destroyed-while-locked", "locked")}, {"session.lock"});
}

TEST(Examples, ExitHoldingLockIsReported) {
  // The worker ends holding `table`; main's `table` is then destroyed still locked.
  const RunResult r = RunExample("exit-holding-lock");
  ASSERT_NO_FATAL_FAILURE(ExpectRun(r, 0, {"exit-holding-lock", "destroyed-while-locked"}));
  const std::string locked = MarkerSite("exit-holding-lock", "locked");
  ExpectFinding(Find(r, "exit-holding-lock"), "exit-holding-lock", {"worker"}, {locked},
                {"table"});
  ExpectFinding(Find(r, "destroyed-while-locked"), "destroyed-while-locked", {"worker"},
                {locked}, {"table"});
}

TEST(Examples, WaitWithoutLockIsReported) {
  const RunResult r = RunExample("wait-without-lock");
  ASSERT_NO_FATAL_FAILURE(ExpectRun(r, 0, {"wait-without-lock"}));
  ExpectFinding(Find(r, "wait-without-lock"), "wait-without-lock", {"waiter"},
                {MarkerSite("wait-without-lock", "wait")}, {"ready", "m"});
}

TEST(Examples, SemaphoreOverReleaseIsReported) {
  const RunResult r = RunExample("semaphore-over-release");
  ASSERT_NO_FATAL_FAILURE(ExpectRun(r, 0, {"semaphore-over-release"}));
  ExpectFinding(Find(r, "semaphore-over-release"), "semaphore-over-release", {"client"},
                {MarkerSite("semaphore-over-release", "over-release")}, {"slots"});
  // The step names the object as the objects list does (the text report quotes it once:
  // it read "over-releases  'BoundedSemaphore 'slots''").
  EXPECT_THAT(Steps(*Find(r, "semaphore-over-release")),
              ElementsAre("client|over-releases|slots|" +
                          MarkerSite("semaphore-over-release", "over-release") + "|"));
  // The extra release is ignored: the pool still has its 2 slots, not 3.
  EXPECT_THAT(r.out, HasSubstr("free slots: 2"));
}

TEST(Examples, ThreadNotJoinedIsReportedAndTheThreadJoined) {
  const RunResult r = RunExample("thread-not-joined");
  ASSERT_NO_FATAL_FAILURE(ExpectRun(r, 0, {"thread-not-joined"}));
  ExpectFinding(Find(r, "thread-not-joined"), "thread-not-joined", {"flusher"},
                {MarkerSite("thread-not-joined", "started")}, {"flusher"});
  // The step's object is the thread's name, as in the objects list (the text report read
  // "started, never joined  'thread 'flusher''").
  EXPECT_THAT(Steps(*Find(r, "thread-not-joined")),
              ElementsAre("flusher|started, never joined|flusher|" +
                          MarkerSite("thread-not-joined", "started") + "|"));
  EXPECT_THAT(r.out, HasSubstr("done"));
}

TEST(Examples, UncaughtExceptionIsReportedAndTheProgramGoesOn) {
  const RunResult r = RunExample("uncaught-exception");
  ASSERT_NO_FATAL_FAILURE(ExpectRun(r, 0, {"uncaught-exception"}));
  const Finding* f = Find(r, "uncaught-exception");
  ExpectFinding(f, "uncaught-exception", {"loader"},
                {MarkerSite("uncaught-exception", "throws")}, {});
  if (f != nullptr) {
    EXPECT_THAT(f->message, HasSubstr("config is empty"));
  }
  EXPECT_THAT(r.out, HasSubstr("done"));
}

TEST(Examples, CleanProgramHasNoFindingAndAnEmptyReport) {
  const RunResult r = RunExample("clean");
  ASSERT_NO_FATAL_FAILURE(ExpectRun(r, 0, {}));
  EXPECT_EQ(r.report, FindingsToJson({})) << "LAB_REPORT of a clean run";
  EXPECT_THAT(r.err, Not(HasSubstr("lab:")));
  EXPECT_THAT(r.out, HasSubstr("total = 5050 (expected 5050)"));
}

// Every example in examples/ is covered above (a new example needs its own test).
TEST(Examples, EveryExampleHasATest) {
  const std::vector<std::string> covered = {
      "clean", "data-race", "deadlock", "destroyed-while-locked", "exit-holding-lock",
      "lock-order-inversion", "self-deadlock", "semaphore-over-release", "stall",
      "thread-not-joined", "uncaught-exception", "unlock-not-owner", "unlock-unlocked",
      "wait-without-lock"};
  std::vector<std::string> found;
  for (const auto& e : fs::directory_iterator(fs::path(LAB_SOURCE_DIR) / "examples")) {
    if (e.path().extension() == ".cpp") found.push_back(e.path().stem().string());
  }
  EXPECT_THAT(found, UnorderedElementsAreArray(covered));
}

}  // namespace
}  // namespace lab
