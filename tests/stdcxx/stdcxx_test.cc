// stdcxx_test.cc — the standard-C++ dialect (issue #11) end to end: unmodified std::
// programs (scenarios.cc, compiled with -fsanitize=thread and linked with liblab_std, not
// libtsan) under lab::explore. This test runs that program once per scenario and reads
// its findings; the lines it expects are the `// line: TAG` marks in scenarios.cc.
#include <gtest/gtest.h>

#include "marked_line.h"

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "output_lines.h"

namespace {

struct Outcome {
  int schedules = -1;
  int redundant = -1;      // DPOR: runs cut short as equivalent to explored ones
  bool exhausted = false;  // the exhaustive searches: the whole space was explored
  long long work_ns = -1;  // the last schedule's virtual work
  std::vector<std::string> findings;  // "id|message|file:line;file:line;"
  std::vector<std::string> events;    // "thread op file:line" of the first failing schedule
  std::string text;                    // everything it printed
  int status = -1;
};

Outcome RunScenario(const std::string& scenario, int schedules, const std::string& extra = "") {
  const std::string cmd = std::string(LAB_STDCXX_SCENARIOS) + " " + scenario + " " +
                          std::to_string(schedules) + " " + extra + " 2>&1";
  Outcome o;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return o;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p) != nullptr) {
    std::string line(buf);
    if (!line.empty() && line.back() == '\n') line.pop_back();
    if (line.rfind("schedules ", 0) == 0) o.schedules = std::stoi(line.substr(10));
    if (line.rfind("redundant ", 0) == 0) o.redundant = std::stoi(line.substr(10));
    if (line.rfind("exhausted ", 0) == 0) o.exhausted = line.substr(10) == "1";
    if (line.rfind("work ", 0) == 0) o.work_ns = std::stoll(line.substr(5));
    if (line.rfind("finding ", 0) == 0) o.findings.push_back(line.substr(8));
    if (line.rfind("event ", 0) == 0) o.events.push_back(line.substr(6));
    o.text += line + "\n";
  }
  o.status = pclose(p);
  return o;
}

// "scenarios.cc:N" for the line of scenarios.cc (or `source`) marked `// line: tag`.
std::string Line(const std::string& tag, const std::string& source = LAB_STDCXX_SOURCE) {
  return lab::testing::MarkedLine(source, tag);
}

std::vector<std::string> WithId(const Outcome& o, const std::string& id) {
  std::vector<std::string> r;
  for (const std::string& f : o.findings) {
    if (f.rfind(id + "|", 0) == 0) r.push_back(f);
  }
  return r;
}

// The distinct finding ids of an outcome: the verdict of a search.
std::set<std::string> Ids(const Outcome& o) {
  std::set<std::string> ids;
  for (const std::string& f : o.findings) ids.insert(f.substr(0, f.find('|')));
  return ids;
}

std::string Dump(const Outcome& o) {
  std::ostringstream s;
  s << "schedules " << o.schedules << " (redundant " << o.redundant << ", exhausted "
    << o.exhausted << "), status " << o.status << "\n";
  for (const std::string& f : o.findings) s << "  " << f << "\n";
  for (const std::string& e : o.events) s << "    " << e << "\n";
  return s.str();
}

TEST(StdCxx, MutexAbbaIsADeadlockWithBothLockSites) {
  const Outcome o = RunScenario("abba", 500);
  ASSERT_EQ(o.status, 0) << Dump(o);
  const auto deadlocks = WithId(o, "deadlock");
  ASSERT_EQ(deadlocks.size(), 1u) << Dump(o);
  // Thread 1 waits at its second lock, thread 2 at its second: both student lines.
  EXPECT_NE(deadlocks[0].find(Line("abba-t1-b")), std::string::npos) << Dump(o);
  EXPECT_NE(deadlocks[0].find(Line("abba-t2-a")), std::string::npos) << Dump(o);
  // The lock objects are named after the globals.
  EXPECT_NE(deadlocks[0].find("'a_mutex'"), std::string::npos) << Dump(o);
  EXPECT_NE(deadlocks[0].find("'b_mutex'"), std::string::npos) << Dump(o);
}

TEST(StdCxx, LostUpdateOnAPlainIntIsADataRaceWithBothSites) {
  const Outcome o = RunScenario("lost_update", 200);
  ASSERT_EQ(o.status, 0) << Dump(o);
  const auto races = WithId(o, "data-race");
  ASSERT_FALSE(races.empty()) << Dump(o);
  bool read_write = false;
  for (const std::string& r : races) {
    EXPECT_NE(r.find("'plain_counter'"), std::string::npos) << r;
    if (r.find(Line("race-read")) != std::string::npos &&
        r.find(Line("race-write")) != std::string::npos) {
      read_write = true;
    }
  }
  EXPECT_TRUE(read_write) << "no race names both the read and the write line\n" << Dump(o);
}

// std::unique_lock's own members are not race-checked (sites.cc LockHolderMember), but a
// user lock type's members inlined into them are: the spin on a plain bool is a race.
TEST(StdCxx, AUserLockHeldThroughUniqueLockIsStillRaceChecked) {
  const Outcome o = RunScenario("user_lock_through_unique_lock", 200);
  ASSERT_EQ(o.status, 0) << Dump(o);
  const auto races = WithId(o, "data-race");
  ASSERT_FALSE(races.empty()) << Dump(o);
  bool spin_lines = false;
  for (const std::string& r : races) {
    spin_lines |= r.find(Line("spin-read")) != std::string::npos ||
                  r.find(Line("spin-write")) != std::string::npos;
  }
  EXPECT_TRUE(spin_lines) << Dump(o);
}

// A std::unique_lock another thread unlocks: unlock-not-owner at that thread's line, and
// no data race on the lock object's own fields.
TEST(StdCxx, AUniqueLockHandedToAnotherThreadIsAnUnlockByANonOwner) {
  const Outcome o = RunScenario("unique_lock_handed_over", 50);
  ASSERT_EQ(o.status, 0) << Dump(o);
  EXPECT_TRUE(WithId(o, "data-race").empty()) << Dump(o);
  const auto misuse = WithId(o, "unlock-not-owner");
  ASSERT_FALSE(misuse.empty()) << Dump(o);
  EXPECT_NE(misuse[0].find(Line("handed-unlock")), std::string::npos) << Dump(o);
}

// A standard lock's own fields on its owner's own stack are not race-checked (sites.cc
// LockHolderMember): a thread reading owns_lock() while the owner unlocks gets no finding
// (before, a data race on 'lk'), and half of the plain accesses a std:: program makes
// around its locks and waits are not paid for.
TEST(StdCxx, AStandardLocksOwnFieldsAreNotRaceChecked) {
  const Outcome o = RunScenario("unique_lock_asked_by_another_thread", 200);
  ASSERT_EQ(o.status, 0) << Dump(o);
  EXPECT_TRUE(o.findings.empty()) << Dump(o);
}

// A std::unique_lock outside any thread's stack (a member two threads lock through): its
// fields are checked as any memory, and the race on them is found at the lock line.
TEST(StdCxx, AUniqueLockSharedByTwoThreadsIsADataRace) {
  const Outcome o = RunScenario("unique_lock_shared_by_two_threads", 200);
  ASSERT_EQ(o.status, 0) << Dump(o);
  const auto races = WithId(o, "data-race");
  ASSERT_FALSE(races.empty()) << Dump(o);
  EXPECT_NE(races[0].find("'member_lock"), std::string::npos) << Dump(o);  // 'member_lock+8': _M_owns
  EXPECT_NE(races[0].find(Line("member-lock")), std::string::npos) << Dump(o);
}

// Reads of a std::thread's own state (libstdc++'s _State_impl: its callable and captures)
// by that thread are not race-checked: the thread's copy of its callable lies in the range
// (IsStdThreadStart recognised libstdc++'s start routine, malloc_usable_size measured it).
TEST(StdCxx, AStdThreadsOwnStateCoversItsCallable) {
  const Outcome o = RunScenario("own_state_covers_the_closure", 20);
  ASSERT_EQ(o.status, 0) << Dump(o) << o.text;
  EXPECT_TRUE(o.findings.empty()) << Dump(o);
  EXPECT_NE(o.text.find("own state: 1"), std::string::npos) << o.text;
  EXPECT_EQ(o.text.find("own state: 0"), std::string::npos) << o.text;
}

// What is not a thread's own state stays checked: one mutable lambda shared by two threads
// through std::ref (their states hold only the reference), a capture handed to a thread
// the owner starts, and the data a pthread_create argument points to.
TEST(StdCxx, ACallableSharedThroughStdRefIsStillRaceChecked) {
  const Outcome o = RunScenario("shared_mutable_lambda", 200);
  ASSERT_EQ(o.status, 0) << Dump(o);
  const auto races = WithId(o, "data-race");
  ASSERT_FALSE(races.empty()) << Dump(o);
  EXPECT_NE(races[0].find(Line("shared-lambda")), std::string::npos) << Dump(o);
}

TEST(StdCxx, ACaptureHandedToANestedThreadIsStillRaceChecked) {
  const Outcome o = RunScenario("nested_thread_writes_an_own_capture", 200);
  ASSERT_EQ(o.status, 0) << Dump(o);
  const auto races = WithId(o, "data-race");
  ASSERT_FALSE(races.empty()) << Dump(o);
  EXPECT_NE(races[0].find(Line("nested-write")), std::string::npos) << Dump(o);
  EXPECT_NE(races[0].find(Line("nested-read")), std::string::npos) << Dump(o);
}

TEST(StdCxx, APthreadArgumentIsNotTheThreadsOwn) {
  const Outcome o = RunScenario("pthread_arg_is_not_owned", 200);
  ASSERT_EQ(o.status, 0) << Dump(o);
  const auto races = WithId(o, "data-race");
  ASSERT_FALSE(races.empty()) << Dump(o);
  EXPECT_NE(races[0].find(Line("pthread-arg")), std::string::npos) << Dump(o);
}

TEST(StdCxx, TheSameUpdateUnderAStdMutexHasNoFinding) {
  const Outcome o = RunScenario("locked_update", 500);
  ASSERT_EQ(o.status, 0) << Dump(o);
  EXPECT_EQ(o.schedules, 500) << Dump(o);
  EXPECT_TRUE(o.findings.empty()) << Dump(o);
}

// A struct cleared whole (one range access) against a write of one of its words: a race
// with both lines in either order (word first: found inside the range, plain_memory.cc
// CheckCellsCached); under a mutex, with a whole copy read too, none in 500 schedules (the
// struct's cells left in the caches by the schedules before).
TEST(StdCxx, ARangeAccessRacesWithAWordInsideIt) {
  for (const char* scenario : {"range_race", "range_race_inside"}) {
    const Outcome o = RunScenario(scenario, 200);
    ASSERT_EQ(o.status, 0) << scenario << "\n" << Dump(o);
    const auto races = WithId(o, "data-race");
    ASSERT_EQ(races.size(), 1u) << scenario << "\n" << Dump(o);
    EXPECT_NE(races[0].find("'five_longs+24'"), std::string::npos) << races[0];
    EXPECT_NE(races[0].find(Line("range-whole")), std::string::npos) << races[0];
    EXPECT_NE(races[0].find(Line("range-word")), std::string::npos) << races[0];
  }
  const Outcome locked = RunScenario("range_locked", 500);
  ASSERT_EQ(locked.status, 0) << Dump(locked);
  EXPECT_EQ(locked.schedules, 500) << Dump(locked);
  EXPECT_TRUE(locked.findings.empty()) << Dump(locked);
}

TEST(StdCxx, CorrectProducerConsumerHasNoFindingUnderManySchedules) {
  for (const char* strategy : {"random", "pct"}) {
    const Outcome o = RunScenario("producer_consumer", 1000, strategy);
    ASSERT_EQ(o.status, 0) << strategy << "\n" << Dump(o);
    EXPECT_EQ(o.schedules, 1000) << strategy << "\n" << Dump(o);
    EXPECT_TRUE(o.findings.empty()) << strategy << "\n" << Dump(o);
  }
}

TEST(StdCxx, ConditionVariableWakesSpuriouslyLikeTheLabs) {
  // `if` around cv.wait: a spurious wake-up (or the notify before the wait) lets the
  // consumer go on with an empty queue; the scenario throws, which the lab reports.
  const Outcome o = RunScenario("if_around_wait", 1000);
  ASSERT_EQ(o.status, 0) << Dump(o);
  EXPECT_FALSE(WithId(o, "uncaught-exception").empty()) << Dump(o);
}

TEST(StdCxx, StdMutexIsNotReentrantAndTheSitesAreTheStudentsLines) {
  const Outcome o = RunScenario("self_deadlock", 50);
  ASSERT_EQ(o.status, 0) << Dump(o);
  const auto self = WithId(o, "self-deadlock");
  ASSERT_EQ(self.size(), 1u) << Dump(o);
  EXPECT_NE(self[0].find(Line("self-deadlock")), std::string::npos) << Dump(o);
  // In the student's dialect: the std:: type and its std:: remedy, no lab:: word.
  EXPECT_NE(self[0].find("locks std::mutex '"), std::string::npos) << Dump(o);
  EXPECT_NE(self[0].find("a std::mutex is not reentrant: if this thread means to take it "
                         "again, std::recursive_mutex counts its locks; if another thread is "
                         "meant to unlock it (a mutex used as a signal"),
            std::string::npos)
      << Dump(o);
  EXPECT_NE(self[0].find("signal with a std::binary_semaphore"), std::string::npos) << Dump(o);
  EXPECT_EQ(self[0].find("lab::"), std::string::npos) << Dump(o);
}

TEST(StdCxx, UnlockNotOwnerSpeaksStdAndNamesTheStdRemedy) {
  const Outcome o = RunScenario("unlock_not_owner", 20);
  ASSERT_EQ(o.status, 0) << Dump(o);
  const auto f = WithId(o, "unlock-not-owner");
  ASSERT_FALSE(f.empty()) << Dump(o);
  EXPECT_NE(f[0].find(Line("unlock-not-owner")), std::string::npos) << Dump(o);
  EXPECT_NE(f[0].find("unlocks std::mutex '"), std::string::npos) << Dump(o);
  EXPECT_NE(f[0].find("unlocking a std::mutex from a thread that does not own it is "
                      "undefined behaviour in C++"),
            std::string::npos)
      << Dump(o);
  EXPECT_NE(f[0].find("std::binary_semaphore"), std::string::npos) << Dump(o);
  EXPECT_EQ(f[0].find("lab::"), std::string::npos) << Dump(o);
}

TEST(StdCxx, RecursiveMutexIsAnRLock) {
  const Outcome o = RunScenario("recursive", 200);
  ASSERT_EQ(o.status, 0) << Dump(o);
  EXPECT_TRUE(o.findings.empty()) << Dump(o);
}

TEST(StdCxx, StdThreadSiteIsTheStudentsLine) {
  // A thread that ends holding a std::mutex: exit-holding-lock at the lock's line, and in
  // the interleaving the spawn of that thread is at the std::thread constructor's line.
  const Outcome o = RunScenario("thread_site", 10);
  ASSERT_EQ(o.status, 0) << Dump(o);
  const auto held = WithId(o, "exit-holding-lock");
  ASSERT_EQ(held.size(), 1u) << Dump(o);
  // The lock and the constructor are on one line (a multi-line statement's call has the
  // line the compiler gives it, its last).
  EXPECT_NE(held[0].find(Line("thread-start")), std::string::npos) << Dump(o);
  bool spawn_site = false;
  for (const std::string& e : o.events) {
    if (e.rfind("main start thread ", 0) == 0 &&
        e.find(Line("thread-start")) != std::string::npos) {
      spawn_site = true;
    }
  }
  EXPECT_TRUE(spawn_site) << Dump(o);
}

// DPOR and plain memory (issue #8): scenarios.cc's bumps (the classes are counted there).
// Two threads' plain accesses between their scheduling points are part of their steps'
// footprints, so DPOR runs both orders of two conflicting bumps and finds what the
// exhaustive DFS finds, and stays at one class when the bumps touch different variables.
TEST(StdCxx, DporOrdersConflictingPlainAccessesBetweenSchedulingPoints) {
  const Outcome dpor = RunScenario("plain_shared_bumps", 100000, "dpor");
  const Outcome dfs = RunScenario("plain_shared_bumps", 100000, "dfs");
  ASSERT_EQ(dpor.status, 0) << Dump(dpor);
  ASSERT_EQ(dfs.status, 0) << Dump(dfs);
  EXPECT_TRUE(dpor.exhausted) << Dump(dpor);
  EXPECT_TRUE(dfs.exhausted) << Dump(dfs);
  EXPECT_EQ(dpor.schedules - dpor.redundant, 2) << Dump(dpor);
  const std::set<std::string> verdict = {"data-race", "wrong-output"};
  EXPECT_EQ(Ids(dfs), verdict) << Dump(dfs);
  EXPECT_EQ(Ids(dpor), verdict) << Dump(dpor);
  // Without the plain accesses in the footprints, the bumps look independent: one class,
  // and the order that exposes the wrong output is never run.
  const Outcome points_only = RunScenario("plain_shared_bumps", 100000, "dpor-noplain");
  EXPECT_EQ(points_only.schedules - points_only.redundant, 1) << Dump(points_only);
  EXPECT_EQ(Ids(points_only), std::set<std::string>{"data-race"}) << Dump(points_only);
  // The race is on bump_x, at the bumps' plain accesses.
  for (const std::string& f : WithId(dpor, "data-race")) {
    EXPECT_NE(f.find("on 'bump_x'"), std::string::npos) << f;
    EXPECT_NE(f.find(Line("bump-write")), std::string::npos) << f;
  }
}

TEST(StdCxx, DporKeepsBumpsOfUnrelatedPlainVariablesInOneClass) {
  const Outcome dpor = RunScenario("plain_unrelated_bumps", 100000, "dpor");
  const Outcome dfs = RunScenario("plain_unrelated_bumps", 100000, "dfs");
  const Outcome shared_dfs = RunScenario("plain_shared_bumps", 100000, "dfs");
  ASSERT_EQ(dpor.status, 0) << Dump(dpor);
  EXPECT_TRUE(dpor.exhausted) << Dump(dpor);
  EXPECT_TRUE(dfs.exhausted) << Dump(dfs);
  EXPECT_EQ(dpor.schedules - dpor.redundant, 1) << Dump(dpor);
  EXPECT_TRUE(dpor.findings.empty()) << Dump(dpor);
  EXPECT_TRUE(dfs.findings.empty()) << Dump(dfs);
  // The DFS does not look at footprints: the same steps, the same number of schedules.
  EXPECT_EQ(dfs.schedules, shared_dfs.schedules) << Dump(dfs) << Dump(shared_dfs);
  EXPECT_GT(dfs.schedules, 2) << Dump(dfs);
}

// In a race-free program every two conflicting plain accesses are ordered by the locks
// around them, so plain footprints add no class: the correct producer-consumer (std::deque
// under a std::mutex, two condition variables) has as many classes with them as without.
// Their names must mean the same word in every schedule that shares a prefix: with names
// given in order of first sight only, words first touched after two schedules part got
// different names and DPOR counted equivalent schedules as new (2304 here, not 1536).
TEST(StdCxx, DporPlainFootprintsAddNoClassToARaceFreeProgram) {
  const Outcome with_plain = RunScenario("producer_consumer", 100000, "dpor");
  const Outcome points_only = RunScenario("producer_consumer", 100000, "dpor-noplain");
  ASSERT_EQ(with_plain.status, 0) << Dump(with_plain);
  EXPECT_TRUE(with_plain.exhausted) << Dump(with_plain);
  EXPECT_TRUE(points_only.exhausted) << Dump(points_only);
  EXPECT_TRUE(with_plain.findings.empty()) << Dump(with_plain);
  EXPECT_GT(points_only.schedules - points_only.redundant, 1) << Dump(points_only);
  EXPECT_EQ(with_plain.schedules - with_plain.redundant,
            points_only.schedules - points_only.redundant)
      << Dump(with_plain) << Dump(points_only);
}

TEST(StdCxx, LibraryModeReportsARaceAndEndsARealDeadlockWithStatus35) {
  // No lab::explore: real threads, the free run. The deadlock happens for real (each
  // thread sleeps holding its first lock); the lab reports it and exits with 35.
  std::string out;
  const int status = lab::testing::RunCommand(std::string(LAB_STDCXX_LIBRARY_MODE) + " 2>&1", out);
  ASSERT_TRUE(WIFEXITED(status)) << out;
  EXPECT_EQ(WEXITSTATUS(status), 35) << out;
  EXPECT_NE(out.find("lab: deadlock"), std::string::npos) << out;
  EXPECT_NE(out.find("'first'"), std::string::npos) << out;
  EXPECT_NE(out.find("'second'"), std::string::npos) << out;
  const std::size_t race = out.find("lab: data-race");
  ASSERT_NE(race, std::string::npos) << out;
  const std::string race_line = out.substr(race, out.find('\n', race) - race);
  EXPECT_NE(race_line.find("'counter'"), std::string::npos) << race_line;
  EXPECT_NE(race_line.find(Line("lib-race-1", LAB_STDCXX_LIBRARY_MODE_SOURCE)), std::string::npos)
      << race_line;
  EXPECT_NE(race_line.find(Line("lib-race-2", LAB_STDCXX_LIBRARY_MODE_SOURCE)), std::string::npos)
      << race_line;
}

TEST(StdCxx, LibraryModeThrowPolicyGivesTheBlockingLockAStdSystemError) {
  // LAB_ON_DEADLOCK=throw: lab::DeadlockError cannot leave pthread_mutex_lock (noexcept C;
  // it used to end in std::terminate, status 134). The lock returns EDEADLK instead, and
  // std::mutex::lock throws std::system_error(resource_deadlock_would_occur) in the thread
  // that would block; it catches it, its lock_guard lets the other thread finish.
  std::string out;
  const int status = lab::testing::RunCommand(
      "LAB_ON_DEADLOCK=throw " + std::string(LAB_STDCXX_LIBRARY_MODE) + " 2>&1", out);
  ASSERT_TRUE(WIFEXITED(status)) << out;
  EXPECT_EQ(WEXITSTATUS(status), 0) << out;
  EXPECT_NE(out.find("lab: deadlock"), std::string::npos) << out;
  EXPECT_NE(out.find("caught std::system_error 35: resource_deadlock_would_occur"), std::string::npos)
      << out;
  EXPECT_EQ(out.find("terminate called"), std::string::npos) << out;
}

TEST(StdCxx, LibraryModeWritesLabReportWhenAnUncaughtExceptionTerminates) {
  // std::terminate ends in abort(), which skips the exit handler that writes LAB_REPORT:
  // the lab writes it first, with the race the run found.
  const std::string report = ::testing::TempDir() + "uncaught_report.json";
  std::remove(report.c_str());
  std::string out;
  const int status = lab::testing::RunCommand(
      "LAB_REPORT=" + report + " " + std::string(LAB_STDCXX_LIBRARY_MODE) + " uncaught 2>&1",
      out);
  EXPECT_FALSE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;
  std::ifstream in(report);
  ASSERT_TRUE(in.good()) << "no LAB_REPORT written\n" << out;
  std::stringstream json;
  json << in.rdbuf();
  EXPECT_NE(json.str().find("\"data-race\""), std::string::npos) << json.str();
}

// A spec's cost per plain access prices the student's own statements, not the standard
// library's work inlined into them: ten `++counts[k]` on a std::map (a node walk of about
// ten accesses each, three node insertions) cost about what they cost on a std::vector, and
// not nothing. (Not exactly: the optimiser gives a few of the map's loads the student's
// line and no inline frame; 32 ms against 21 here.) With the map's walk priced, a correct
// bank_transfer with a statistics map under its own mutex was graded too-slow.
TEST(StdCxx, AccessCostPricesTheStudentsAccessesNotTheLibrarys) {
  const Outcome map = RunScenario("cost_map_bumps", 1, "cost");
  const Outcome vec = RunScenario("cost_vector_bumps", 1, "cost");
  ASSERT_EQ(map.schedules, 1) << Dump(map);
  ASSERT_EQ(vec.schedules, 1) << Dump(vec);
  EXPECT_GE(vec.work_ns, 10'000'000) << Dump(vec);  // at least each increment's write
  EXPECT_LT(map.work_ns, 2 * vec.work_ns) << Dump(map) << Dump(vec);
}

}  // namespace
