// Standard C++ through the real `lab check` (issue #11): the `lab` binary compiles a
// submission with the tsan instrumentation, links liblab_std instead of libtsan, runs the
// bundled fizzbuzz puzzle's scenarios, and the report is read as a student reads it.
// Fixtures: tests/fixtures/std/ (their `// line: TAG` marks give the lines a report must
// name, so editing a fixture cannot silently shift an expectation).
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

const std::string kLab = std::string(LAB_BUILD_DIR) + "/harness/lab";
const std::string kFixtures = std::string(LAB_TEST_FIXTURES) + "/std";
const std::string kPuzzles = std::string(LAB_SOURCE_DIR) + "/puzzles";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The lines of `file` marked `// line: <tag>` (a mark may go on with words after the tag).
std::set<int> MarkedLines(const std::string& file, const std::string& tag) {
  std::set<int> lines;
  std::ifstream in(file);
  std::string text;
  for (int n = 1; std::getline(in, text); ++n) {
    const auto at = text.find("// line: " + tag);
    if (at == std::string::npos) continue;
    const std::size_t end = at + 9 + tag.size();
    if (end == text.size() || text[end] == ' ') lines.insert(n);
  }
  return lines;
}

// The first finding line ("lab: data-race — ...") of a report.
std::string FirstFinding(const std::string& report, const std::string& id = "") {
  const auto at = report.find("\nlab: " + id);
  if (at == std::string::npos) return "";
  return report.substr(at + 1, report.find('\n', at + 1) - at - 1);
}

// Every "<file>:<line>" the finding line names.
std::set<int> LinesNamed(const std::string& finding, const std::string& file) {
  std::set<int> lines;
  const std::regex re(std::regex_replace(file, std::regex(R"([.])"), R"(\.)") + ":([0-9]+)");
  for (std::sregex_iterator it(finding.begin(), finding.end(), re), end; it != end; ++it) {
    lines.insert(std::stoi((*it)[1]));
  }
  return lines;
}

struct Outcome {
  int code = -1;
  std::string out;
};

class StdCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
#ifdef LAB_TSAN_BUILD
    GTEST_SKIP() << "a LAB_TSAN build links the real ThreadSanitizer, not liblab_std";
#endif
    char tmpl[] = "/tmp/lab-std-check-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  Outcome Check(const std::string& puzzle, const std::string& fixture,
                const std::string& flags = "") {
    return CheckFile(puzzle, kFixtures + "/" + fixture, flags);
  }
  // A puzzle's own variant: `variant` relative to puzzles/<puzzle>/.
  Outcome CheckVariant(const std::string& puzzle, const std::string& variant) {
    return CheckFile(puzzle, kPuzzles + "/" + puzzle + "/" + variant, "");
  }
  Outcome CheckFile(const std::string& puzzle, const std::string& path, const std::string& flags) {
    const std::string out = dir_ + "/out.txt";
    const std::string line = "cd " + Quote(dir_) + " && LAB_PUZZLES_DIR=" + Quote(kPuzzles) +
                             " NO_COLOR=1 " + Quote(kLab) + " check " + puzzle + " " +
                             Quote(path) + " " + flags + " >" + Quote(out) + " 2>&1";
    const int status = std::system(line.c_str());
    Outcome r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = ReadAll(out);
    return r;
  }

  std::string dir_;
};

// Correct answers written the way public solutions are (tests/fixtures/std/public/,
// named <puzzle>__<how>.cpp): a busy-wait on std::atomic with yield, promises, std::async,
// counting semaphores, a semaphore-and-barrier H2O, std::scoped_lock transfers, std::lock on
// accounts allocated one by one. Each gets full marks and no finding, graded or noted.
TEST_F(StdCheckTest, PublicAnswersGetFullMarks) {
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(kFixtures + "/public")) {
    const std::string file = entry.path().filename().string();
    const std::size_t sep = file.find("__");
    ASSERT_NE(sep, std::string::npos) << file;
    const Outcome r = Check(file.substr(0, sep), "public/" + file);
    EXPECT_EQ(r.code, 0) << file << "\n" << r.out;
    EXPECT_NE(r.out.find("score: 10/10"), std::string::npos) << file << "\n" << r.out;
    EXPECT_EQ(r.out.find("\nlab: "), std::string::npos) << file << "\n" << r.out;
    // Nor an ungraded note from the stress runs: it still tells the student of a bug.
    EXPECT_EQ(r.out.find("(stress) run reported"), std::string::npos) << file << "\n" << r.out;
    ++checked;
  }
  EXPECT_GE(checked, 6);
}

TEST_F(StdCheckTest, StdReferenceGetsFullMarksAndNoFinding) {
  const Outcome r = Check("fizzbuzz", "fizzbuzz_reference.cpp");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("score: 10/10"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\nlab: "), std::string::npos) << r.out;
}

// The loop condition reads `cur` without the lock while another thread increments it under
// the lock: a data race between exactly those two lines, in the student's own words, on
// the member as the student named it (`name`: read from the source at the accesses'
// columns, detector/src/stdcxx/access_names.h).
void ExpectUnlockedReadRace(const std::string& report, const std::string& file,
                            const std::string& name) {
  const std::string finding = FirstFinding(report, "data-race");
  ASSERT_FALSE(finding.empty()) << report;
  const std::string path = std::string(LAB_TEST_FIXTURES) + "/std/" + file;
  const std::set<int> reads = MarkedLines(path, "unlocked-read");
  const std::set<int> writes = MarkedLines(path, "locked-write");
  ASSERT_FALSE(reads.empty());
  ASSERT_FALSE(writes.empty());
  const std::set<int> named = LinesNamed(finding, file);
  ASSERT_EQ(named.size(), 2u) << finding;
  int read_line = 0, write_line = 0;
  for (int line : named) {
    if (reads.count(line)) read_line = line;
    if (writes.count(line)) write_line = line;
  }
  EXPECT_NE(read_line, 0) << "no unlocked read named: " << finding;
  EXPECT_NE(write_line, 0) << "no locked write named: " << finding;
  EXPECT_NE(finding.find("read by '"), std::string::npos) << finding;
  EXPECT_NE(finding.find("write by '"), std::string::npos) << finding;
  EXPECT_NE(finding.find("on '" + name + "': "), std::string::npos) << finding;
  // The spec is invisible: its file is never named, and no address leaks into the text
  // (a replay must reproduce the report byte for byte).
  EXPECT_EQ(report.find("spec.cpp"), std::string::npos) << report;
  EXPECT_EQ(report.find("0x7f"), std::string::npos) << report;
}

TEST_F(StdCheckTest, StdUnlockedLoopConditionIsADataRaceAtBothStudentLines) {
  const Outcome r = Check("fizzbuzz", "fizzbuzz_unlocked_read.cpp");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_EQ(r.out.find("score: 10/10"), std::string::npos) << r.out;
  ExpectUnlockedReadRace(r.out, "fizzbuzz_unlocked_read.cpp", "FizzBuzz::cur");
}

// The interleaving draws both racing accesses where they happened: two rows marked "!",
// at the unlocked read's line and the locked write's line, the access that found the race
// as the last row, and the mark's legend; std::
// objects of the trace carry short labels explained under it.
TEST_F(StdCheckTest, StdRaceShowsBothAccessesInTheInterleaving) {
  const std::string file = "fizzbuzz_unlocked_read.cpp";
  const Outcome r = Check("fizzbuzz", file);
  ASSERT_EQ(r.code, 1) << r.out;
  const std::size_t from = r.out.find("\nlab: data-race");
  ASSERT_NE(from, std::string::npos) << r.out;
  const std::size_t table = r.out.find("interleaving:", from);
  const std::size_t end = r.out.find("replay:", table);
  ASSERT_NE(table, std::string::npos) << r.out;
  std::istringstream rows(r.out.substr(table, end - table));
  const std::string path = std::string(LAB_TEST_FIXTURES) + "/std/" + file;
  const std::set<int> reads = MarkedLines(path, "unlocked-read");
  const std::set<int> writes = MarkedLines(path, "locked-write");
  std::vector<int> race_lines;
  std::string line, last_row;
  bool legend = false, labels = false;
  const std::regex row_re(R"(^\s*[0-9]+ ! .*)" + std::regex_replace(file, std::regex(R"([.])"), R"(\.)") +
                          R"(:([0-9]+)\s+data race$)");
  while (std::getline(rows, line)) {
    std::smatch m;
    if (std::regex_match(line, m, row_re)) race_lines.push_back(std::stoi(m[1]));
    if (line.find("! = an access of the data race") != std::string::npos) legend = true;
    if (line.find(" = the std::mutex first used at " + file + ":") != std::string::npos) {
      labels = true;
    }
    if (!line.empty() && line[0] == ' ' && line.find_first_not_of(' ') < line.size() &&
        std::isdigit(static_cast<unsigned char>(line[line.find_first_not_of(' ')]))) {
      last_row = line;
    }
  }
  ASSERT_EQ(race_lines.size(), 2u) << r.out.substr(table, end - table);
  // One row at an unlocked read, the other at a locked write (either may come first).
  EXPECT_EQ(reads.count(race_lines[0]) + reads.count(race_lines[1]), 1u)
      << r.out.substr(table, end - table);
  EXPECT_EQ(writes.count(race_lines[0]) + writes.count(race_lines[1]), 1u)
      << r.out.substr(table, end - table);
  EXPECT_NE(last_row.find(" ! "), std::string::npos) << last_row;
  EXPECT_TRUE(legend) << r.out.substr(table, end - table);
  EXPECT_TRUE(labels) << r.out.substr(table, end - table);
}

// The lab:: dialect gets the same check: a plain int next to a lab::Mutex is race-checked
// without being a lab::Shared.
TEST_F(StdCheckTest, LabDialectPlainIntReadOutsideTheLockIsADataRace) {
  const Outcome r = Check("fizzbuzz", "fizzbuzz_lab_plain_int.cpp");
  EXPECT_EQ(r.code, 1) << r.out;
  ExpectUnlockedReadRace(r.out, "fizzbuzz_lab_plain_int.cpp", "FizzBuzz::cur_");
}

// The spec's std::atomic counters around every call (puzzles/bounded_queue/spec.cpp) are
// invisible: they neither race nor order the student's accesses, so an unlocked size()
// is still a race with the locked push_back/pop_front.
TEST_F(StdCheckTest, SpecAtomicsDoNotHideAnUnlockedRead) {
  const Outcome r = Check("bounded_queue", "bounded_queue_unlocked_size.cpp");
  EXPECT_EQ(r.code, 1) << r.out;
  ExpectUnlockedReadRace(r.out, "bounded_queue_unlocked_size.cpp",
                         "BoundedBlockingQueue::q_");
}

// A lock-free turn with memory_order_relaxed handing over a plain counter (fixture): a
// relaxed store publishes nothing, so the next owner's use of `cur` races with the
// previous owner's `++cur`, though the printed sequence is right. Both sites are lines
// that touch `cur`, and the member is named. The same answer with release/acquire is a
// public answer (public/fizzbuzz__release_acquire_turn.cpp): full marks, no finding.
TEST_F(StdCheckTest, StdRelaxedTurnIsADataRaceOnThePlainCounter) {
  const std::string file = "fizzbuzz_relaxed_turn.cpp";
  const Outcome r = Check("fizzbuzz", file);
  EXPECT_EQ(r.code, 1) << r.out;
  const std::string finding = FirstFinding(r.out, "data-race");
  ASSERT_FALSE(finding.empty()) << r.out;
  const std::set<int> marked = MarkedLines(kFixtures + "/" + file, "plain-cur");
  const std::set<int> named = LinesNamed(finding, file);
  ASSERT_FALSE(named.empty()) << finding;
  for (int line : named) EXPECT_EQ(marked.count(line), 1u) << line << ": " << finding;
  EXPECT_NE(finding.find("on 'FizzBuzz::cur': "), std::string::npos) << finding;
  EXPECT_NE(finding.find("write by '"), std::string::npos) << finding;
}

// Four threads spinning on a plain int (fixture, the shape of many public answers): one
// failing schedule holds a data race for every pair of racing lines, about twenty, each
// with an interleaving of its own. The record sends one interleaving per kind of finding
// (harness/spec/runner_main.cc), so it fits its 1 MiB channel: every scenario reports the
// data race on lines that touch `next_`, none a `crash` of a cut record.
TEST_F(StdCheckTest, ASpinningRaceOnManyLinesIsADataRaceNotACrash) {
  const std::string file = "fizzbuzz_spinning_race.cpp";
  const Outcome r = Check("fizzbuzz", file);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_EQ(r.out.find("lab: crash"), std::string::npos) << r.out;
  const std::set<int> marked = MarkedLines(kFixtures + "/" + file, "next");
  int races = 0;
  for (std::size_t at = r.out.find("\nlab: "); at != std::string::npos;
       at = r.out.find("\nlab: ", at + 1)) {
    const std::string finding = r.out.substr(at + 1, r.out.find('\n', at + 1) - at - 1);
    ASSERT_EQ(finding.rfind("lab: data-race", 0), 0u) << finding;
    const std::set<int> named = LinesNamed(finding, file);
    EXPECT_EQ(named.size(), 2u) << finding;
    for (int line : named) EXPECT_EQ(marked.count(line), 1u) << line << ": " << finding;
    ++races;
  }
  EXPECT_EQ(races, 4) << r.out;  // n15, n15_number_first, n5, n1
}

// The replay printed with a std:: finding reproduces it (the grader's own replay check
// compares the whole report; here the student's command line is run again).
TEST_F(StdCheckTest, StdFindingReplaysToTheSameFinding) {
  const Outcome first = Check("fizzbuzz", "fizzbuzz_unlocked_read.cpp");
  const std::regex replay_re(R"(--replay ([a-z0-9_]+:[^\s]+))");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(first.out, m, replay_re)) << first.out;
  const Outcome again = Check("fizzbuzz", "fizzbuzz_unlocked_read.cpp", "--replay " + m[1].str());
  const std::string finding = FirstFinding(first.out);
  ASSERT_FALSE(finding.empty()) << first.out;
  EXPECT_NE(again.out.find(finding), std::string::npos)
      << "first: " << finding << "\nreplayed:\n" << again.out;
}

// `--tsan` on a standard-C++ solution: the real ThreadSanitizer replaces liblab_std, so its
// std::condition_variable waits are invisible to the scheduler and end as a hang. The
// finding says why and what to do instead, and its replay command keeps --tsan (the
// default build's schedules are not this binary's).
TEST_F(StdCheckTest, TsanOfAStdSolutionSaysToCheckItWithoutTsan) {
  const Outcome r = Check("fizzbuzz", "fizzbuzz_reference.cpp", "--tsan");
  EXPECT_EQ(r.code, 1) << r.out;
  const std::string finding = FirstFinding(r.out, "hang");
  ASSERT_FALSE(finding.empty()) << r.out;
  EXPECT_NE(finding.find("under --tsan that is every std::mutex"), std::string::npos) << finding;
  EXPECT_NE(finding.find("check a standard-C++ solution without --tsan"), std::string::npos)
      << finding;
  EXPECT_NE(r.out.find("fizzbuzz_reference.cpp --tsan --replay "), std::string::npos) << r.out;
}

// Dining philosophers with a std::counting_semaphore<4> of seats (fixture): the fork cycle
// is gated by the seats' permits, held across every edge and fewer than the five edges,
// exactly as with lab::Semaphore or sem_t (DESIGN §4). Full marks, no finding. The same
// answer with five seats (the puzzle's std/buggy/five_seats.cpp) keeps its finding.
TEST_F(StdCheckTest, FourSeatsOnAStdSemaphoreGateTheForkCycle) {
  const Outcome r = Check("dining_philosophers", "dining_four_seats.cpp");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("score: 10/10"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\nlab: "), std::string::npos) << r.out;
  const Outcome five = CheckVariant("dining_philosophers", "std/buggy/five_seats.cpp");
  EXPECT_EQ(five.code, 1) << five.out;
  EXPECT_FALSE(FirstFinding(five.out, "lock-order-inversion").empty()) << five.out;
}

// reusable_barrier forbids ready-made barriers (LAB_FORBID(lab::Barrier)): a std::barrier
// is one, and the message names it as the student wrote it.
TEST_F(StdCheckTest, StdBarrierIsForbiddenWhereLabBarrierIs) {
  const Outcome r = CheckVariant("reusable_barrier", "std/buggy/uses_std_barrier.cpp");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("your solution uses std::barrier, which this puzzle does not allow"),
            std::string::npos)
      << r.out;
  // Its "why" says what it is, not the general text about ordering bugs.
  EXPECT_NE(r.out.find("This puzzle asks you to build this synchronisation yourself"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("use while, not if"), std::string::npos) << r.out;
}

// std::latch is a ready-made barrier too (one per round makes a reusable one): forbidden
// there as well, named as the student wrote it (it scored 10/10).
TEST_F(StdCheckTest, StdLatchIsForbiddenWhereLabBarrierIs) {
  const Outcome r = Check("reusable_barrier", "barrier_from_latches.cpp");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("your solution uses std::latch, which this puzzle does not allow"),
            std::string::npos)
      << r.out;
}

// A std::string member assigned without the lock: std::string's assign runs out of line,
// in a copy of the template the linker may take from the lab's own (uninstrumented)
// objects, so the race is seen through the bytes it copies (memcpy, as ThreadSanitizer's
// interceptor sees them), at the student's line. It scored 10/10. The same member under the
// lock, read and written, is correct.
TEST_F(StdCheckTest, AStringMemberWrittenOutsideTheLockIsARace) {
  const Outcome r = Check("counter", "counter_string_member_race.cpp");
  EXPECT_EQ(r.code, 1) << r.out;
  const std::string f = FirstFinding(r.out, "data-race");
  const std::set<int> lines = MarkedLines(kFixtures + "/counter_string_member_race.cpp", "RACE");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(f.find("counter_string_member_race.cpp:" + std::to_string(*lines.begin())),
            std::string::npos)
      << r.out;
  const Outcome ok = Check("counter", "counter_string_member_locked.cpp");
  EXPECT_EQ(ok.code, 0) << ok.out;
  EXPECT_NE(ok.out.find("score: 10/10"), std::string::npos) << ok.out;
}

// A failed assert() in a scenario is a crash finding with the thread, the assertion, its
// line and a replay command (it was a bare "killed by SIGABRT" with no replay).
TEST_F(StdCheckTest, FailedAssertNamesTheThreadTheConditionAndTheLine) {
  const Outcome r = Check("bank_transfer", "bank_assert.cpp");
  EXPECT_EQ(r.code, 1) << r.out;
  const std::string f = FirstFinding(r.out, "crash");
  const std::set<int> lines = MarkedLines(kFixtures + "/bank_assert.cpp", "FAILS");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(f.find("thread 'bob' failed assert(amount < 25 && \"no big transfers\") at "
                   "bank_assert.cpp:" + std::to_string(*lines.begin())),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("killed by SIGABRT"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--replay opposite_directions:"), std::string::npos) << r.out;
}

// std::notify_all_at_thread_exit needs thread exit hooks, which a controlled run's fibers
// do not have: a finding naming it and the line (it was a SIGSEGV).
TEST_F(StdCheckTest, NotifyAllAtThreadExitIsNamedAsNotSupported) {
  const Outcome r = Check("print_in_order", "notify_at_thread_exit.cpp");
  EXPECT_EQ(r.code, 1) << r.out;
  const std::set<int> lines = MarkedLines(kFixtures + "/notify_at_thread_exit.cpp", "AT_EXIT");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(r.out.find("std::notify_all_at_thread_exit is not supported by the lab: thread "
                       "'first' calls it at notify_at_thread_exit.cpp:" +
                       std::to_string(*lines.begin())),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("SIGSEGV"), std::string::npos) << r.out;
}

// A pthread_rwlock_t is named as the student wrote it, not "std::shared_mutex".
TEST_F(StdCheckTest, PthreadRwlockIsNamedAsWritten) {
  const Outcome r = Check("readers_writers", "rwlock_pthread.cpp");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("your solution uses pthread_rwlock_t, which this puzzle does not allow"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("std::shared_mutex@"), std::string::npos) << r.out;
}

// A thread_local is per thread in a graded submission (the grader's markers,
// detector/src/fiber/fiber_tls.h): no refusal, full marks.
TEST_F(StdCheckTest, ThreadLocalCounterIsPerThread) {
  const Outcome r = Check("print_in_order", "thread_local_counter.cpp");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("score: 10/10"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("thread_local is not supported"), std::string::npos) << r.out;
}

// A reentrant lock made of a std::mutex and a thread_local "I hold it" flag: correct
// because the flag is per thread (it scored 0/10 when thread_local was refused). The same
// flag shared by all threads (a plain static) is a data race on it.
TEST_F(StdCheckTest, AThreadLocalHeldFlagIsPerThreadAndASharedOneRaces) {
  const Outcome r = Check("reentrant", "reentrant_thread_local_held.cpp");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("score: 10/10"), std::string::npos) << r.out;
  std::string text = ReadAll(kFixtures + "/reentrant_thread_local_held.cpp");
  // Both the declaration and the definition lose their `thread_local `.
  for (const char* decl : {"static thread_local bool", "\nthread_local bool"}) {
    const std::size_t at = text.find(decl);
    ASSERT_NE(at, std::string::npos) << decl;
    text.erase(text.find("thread_local ", at), std::string("thread_local ").size());
  }
  const std::string shared = dir_ + "/reentrant_shared_held.cpp";
  std::ofstream(shared) << text;
  const Outcome s = CheckFile("reentrant", shared, "");
  EXPECT_EQ(s.code, 1) << s.out;
  EXPECT_NE(s.out.find("data-race"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("Inventory::held_"), std::string::npos) << s.out;
}

// Debug printing on std::cerr at every wake-up: the first search's output is kept, later
// searches' is not, so a correct answer is not stopped at the 1 MiB output limit as
// resource-limit (it scored 3/10).
TEST_F(StdCheckTest, DebugPrintingOnStderrKeepsFullMarks) {
  const Outcome r = Check("fizzbuzz", "fizzbuzz_debug_stderr.cpp");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("score: 10/10"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("resource-limit"), std::string::npos) << r.out;
}

// Endless recursion overflows a thread's stack: a crash finding that names the thread, the
// recursing function and its line, with a replay command, in both dialects (it was a bare
// "killed by SIGSEGV" with no line and no replay).
TEST_F(StdCheckTest, EndlessRecursionIsAStackOverflowNamingTheFunctionAndTheLine) {
  struct Case {
    const char* fixture;
    const char* function;
  };
  for (const Case& c : {Case{"fizzbuzz_endless_recursion.cpp", "FizzBuzz::Skip"},
                        Case{"fizzbuzz_lab_endless_recursion.cpp", "Depth"}}) {
    const Outcome r = Check("fizzbuzz", c.fixture);
    EXPECT_EQ(r.code, 1) << r.out;
    const std::string f = FirstFinding(r.out, "crash");
    const std::set<int> lines = MarkedLines(kFixtures + "/" + c.fixture, "RECURSES");
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_NE(f.find("stack overflow in thread '"), std::string::npos) << r.out;
    EXPECT_NE(f.find(std::string(c.function) + " recurses without end: its call at " +
                     c.fixture + ":" + std::to_string(*lines.begin())),
              std::string::npos)
        << r.out;
    EXPECT_EQ(r.out.find("SIGSEGV"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("--replay "), std::string::npos) << r.out;
  }
}

// A std::counting_semaphore<1> released twice before anyone acquires it: its count passes
// max(), undefined behaviour; `semaphore-over-release` at the second release (10/10
// before). The public semaphore answers (PublicAnswersGetFullMarks) stay clean.
TEST_F(StdCheckTest, ACountingSemaphoreReleasedAboveItsMaxIsReported) {
  const Outcome r = Check("h2o", "h2o_counting_one_released_twice.cpp");
  EXPECT_EQ(r.code, 1) << r.out;
  const std::string f = FirstFinding(r.out, "semaphore-over-release");
  const std::set<int> lines = MarkedLines(kFixtures + "/h2o_counting_one_released_twice.cpp", "OVER");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(f.find("h2o_counting_one_released_twice.cpp:" + std::to_string(*lines.begin()) +
                   " while its count was already 1, the most a "
                   "std::counting_semaphore<1>"),
            std::string::npos)
      << r.out;
}

// libstdc++'s std::condition_variable_any keeps a std::mutex of its own (in a shared_ptr)
// and waits on a std::condition_variable: its wait and notify lock that mutex and count the
// shared_ptr's references. The trace names them as the condition_variable_any's parts; it
// said "the std::atomic first used at line 21" and "the std::mutex ... 21#1" for a file
// with neither.
TEST_F(StdCheckTest, ConditionVariableAnysPartsAreNamedAsItsOwn) {
  const Outcome r = Check("print_in_order", "print_in_order_cvany_if.cpp");
  EXPECT_NE(r.out.find("lab: wrong-output"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" = the std::condition_variable_any first used at "
                       "print_in_order_cvany_if.cpp:"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(" = the std::condition_variable_any's mutex first used at "
                       "print_in_order_cvany_if.cpp:"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("wait cv_any@"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(" = the std::atomic first used at"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(" = the std::condition_variable first used at"), std::string::npos)
      << r.out;
}

// std::async's futures keep a shared state (a status word, a retrieved flag) behind a
// shared_ptr: their atomics are named as the future's state and the shared_ptr's count,
// not "the std::atomic first used at" a line with no atomic.
TEST_F(StdCheckTest, FutureAndSharedPtrInternalsAreNamedAsTheirs) {
  const Outcome r = Check("gather", "gather_async_deferred.cpp");
  EXPECT_NE(r.out.find("lab: too-slow"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" = the std::future's state first used at gather_async_deferred.cpp:"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(" = the std::shared_ptr's count first used at gather_async_deferred.cpp:"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find(" = the std::atomic first used at"), std::string::npos) << r.out;
}

}  // namespace
