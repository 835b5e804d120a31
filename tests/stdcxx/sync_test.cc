// sync_test.cc — the futex-based and POSIX synchronisation of standard C++ (issue #11):
// each facility of sync_scenarios.cc, unmodified std:: code under lab::explore, is
// - a scheduling point: a finding through it has it in its interleaving at the student's
//   line;
// - an event for the analyses: a race hidden only by its happens-before is not reported,
//   and the same code without it (the bug) is;
// - a stall (or deadlock) the lab reports, naming the facility and the student's line,
//   when it never lets a thread through.
#include <gtest/gtest.h>

#include "marked_line.h"

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "output_lines.h"

namespace {

struct Outcome {
  int schedules = -1;
  bool exhausted = false;  // dpor, dfs: the whole space was explored
  std::vector<std::string> findings;  // "id|message|file:line;file:line;"
  std::vector<std::string> events;    // "thread op file:line"
  int status = -1;
};

Outcome RunScenario(const std::string& scenario, int schedules, const std::string& extra = "") {
  const std::string cmd = std::string(LAB_SYNC_SCENARIOS) + " " + scenario + " " +
                          std::to_string(schedules) + " " + extra + " 2>&1";
  Outcome o;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return o;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p) != nullptr) {
    std::string line(buf);
    if (!line.empty() && line.back() == '\n') line.pop_back();
    if (line.rfind("schedules ", 0) == 0) o.schedules = std::stoi(line.substr(10));
    if (line.rfind("exhausted ", 0) == 0) o.exhausted = line.substr(10) == "1";
    if (line.rfind("finding ", 0) == 0) o.findings.push_back(line.substr(8));
    if (line.rfind("event ", 0) == 0) o.events.push_back(line.substr(6));
  }
  o.status = pclose(p);
  return o;
}

// "sync_scenarios.cc:N" for the line marked `// line: tag`.
std::string Line(const std::string& tag, const std::string& source = LAB_SYNC_SOURCE) {
  return lab::testing::MarkedLine(source, tag);
}

std::vector<std::string> WithId(const Outcome& o, const std::string& id) {
  std::vector<std::string> r;
  for (const std::string& f : o.findings) {
    if (f.rfind(id + "|", 0) == 0) r.push_back(f);
  }
  return r;
}

std::string Dump(const Outcome& o) {
  std::ostringstream s;
  s << "schedules " << o.schedules << ", status " << o.status << "\n";
  for (const std::string& f : o.findings) s << "  " << f << "\n";
  for (const std::string& e : o.events) s << "    " << e << "\n";
  return s.str();
}

bool Has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// No finding over `schedules` schedules of both strategies.
void ExpectClean(const std::string& scenario, int schedules = 300) {
  for (const char* strategy : {"random", "pct"}) {
    const Outcome o = RunScenario(scenario, schedules, strategy);
    ASSERT_EQ(o.status, 0) << scenario << " " << strategy << "\n" << Dump(o);
    EXPECT_EQ(o.schedules, schedules) << scenario << " " << strategy << "\n" << Dump(o);
    EXPECT_TRUE(o.findings.empty()) << scenario << " " << strategy << "\n" << Dump(o);
  }
}

// A data race naming both lines.
void ExpectRace(const std::string& scenario, const std::string& line1, const std::string& line2) {
  const Outcome o = RunScenario(scenario, 300);
  ASSERT_EQ(o.status, 0) << Dump(o);
  bool both = false;
  for (const std::string& r : WithId(o, "data-race")) {
    if (Has(r, line1) && Has(r, line2)) both = true;
  }
  EXPECT_TRUE(both) << scenario << ": no data race between " << line1 << " and " << line2
                    << "\n" << Dump(o);
}

// A stall (every thread blocked) whose message names `what` and whose sites include
// `line`; the facility's operation at that line is in the interleaving.
void ExpectStall(const std::string& scenario, const std::string& what, const std::string& line,
                 int schedules = 200, const std::string& strategy = "random") {
  const Outcome o = RunScenario(scenario, schedules, strategy);
  ASSERT_EQ(o.status, 0) << Dump(o);
  const auto stalls = WithId(o, "stall");
  ASSERT_EQ(stalls.size(), 1u) << scenario << "\n" << Dump(o);
  EXPECT_TRUE(Has(stalls[0], what)) << "the report does not name " << what << "\n" << Dump(o);
  EXPECT_TRUE(Has(stalls[0], line)) << "the report does not give " << line << "\n" << Dump(o);
  bool in_trace = false;
  for (const std::string& e : o.events) {
    if (Has(e, line)) in_trace = true;
  }
  EXPECT_TRUE(in_trace) << "the interleaving has no step at " << line << "\n" << Dump(o);
}

TEST(StdSync, CountingSemaphore) {
  ExpectClean("sem_handoff");
  // try_acquire_for and future::wait_for time out (and a set value is ready).
  ExpectClean("sem_timed_out", 3);
  // Starts open (a bug): the consumer does not wait for the write.
  ExpectRace("sem_starts_open", Line("sem-open-write"), Line("sem-open-read"));
  // Used as two locks in opposite orders.
  const Outcome o = RunScenario("sem_abba", 300);
  ASSERT_EQ(o.status, 0) << Dump(o);
  const auto stalls = WithId(o, "stall");
  ASSERT_EQ(stalls.size(), 1u) << Dump(o);
  EXPECT_TRUE(Has(stalls[0], "std::counting_semaphore::acquire")) << Dump(o);
  EXPECT_TRUE(Has(stalls[0], Line("sem-abba-1"))) << Dump(o);
  EXPECT_TRUE(Has(stalls[0], Line("sem-abba-2"))) << Dump(o);
}

// A release above max() is undefined behaviour in C++ ("release: Preconditions: update
// <= max() - counter"): a binary_semaphore released twice with nobody acquiring, or a
// counting_semaphore<1> that starts open released once, is `semaphore-over-release` at the
// release's line (they got no finding). Uses up to max() get nothing.
TEST(StdSync, ReleasingAStdSemaphoreAboveItsMaxIsAFinding) {
  {
    const Outcome o = RunScenario("binary_sem_released_twice", 20);
    ASSERT_EQ(o.status, 0) << Dump(o);
    const auto over = WithId(o, "semaphore-over-release");
    ASSERT_EQ(over.size(), 1u) << Dump(o);
    EXPECT_TRUE(Has(over[0], "while its count was already 1, the most a "
                             "std::counting_semaphore<1> (std::binary_semaphore) can hold: "
                             "undefined behaviour"))
        << Dump(o);
    EXPECT_TRUE(Has(over[0], "a binary_semaphore is not a flag you can set twice")) << Dump(o);
    EXPECT_TRUE(Has(over[0], Line("sem-over-binary"))) << Dump(o);
  }
  {
    const Outcome o = RunScenario("counting_one_released_while_open", 20);
    ASSERT_EQ(o.status, 0) << Dump(o);
    const auto over = WithId(o, "semaphore-over-release");
    ASSERT_EQ(over.size(), 1u) << Dump(o);
    EXPECT_TRUE(Has(over[0], Line("sem-over-counting"))) << Dump(o);
  }
  ExpectClean("sem_up_to_max", 100);
}

// A std:: semaphore is a lock-order gate exactly as lab::Semaphore is (DESIGN §4): its
// permits, held across every edge of a cycle, gate it when they are fewer than the edges.
TEST(StdSync, CountingSemaphoreIsALockOrderGate) {
  // One permit across both edges of an ABBA: no inversion (as lab::Semaphore(1)).
  ExpectClean("gate_binary_abba");
  // A closed binary semaphore main opens: still one permit in play, no inversion.
  ExpectClean("gate_closed_opened_by_main");
  // Dining philosophers with four seats: the five-fork cycle is gated.
  ExpectClean("gate_four_seats");
  // Two permits across a 2-cycle and five seats across the 5-cycle gate nothing: the
  // inversion is reported, at the student's line.
  for (const auto& [scenario, line] :
       {std::pair<std::string, std::string>{"gate_two_permits_abba", "gate-ba"},
        {"gate_five_seats", "dinner-right"}}) {
    const Outcome o = RunScenario(scenario, 100);
    ASSERT_EQ(o.status, 0) << scenario << "\n" << Dump(o);
    const auto inversions = WithId(o, "lock-order-inversion");
    ASSERT_EQ(inversions.size(), 1u) << scenario << "\n" << Dump(o);
    EXPECT_TRUE(Has(inversions[0], Line(line, LAB_GATE_SOURCE))) << scenario << "\n" << Dump(o);
  }
}

TEST(StdSync, Latch) {
  ExpectClean("latch_ok");
  ExpectRace("latch_too_small", Line("latch-write"), Line("latch-read"));
  ExpectStall("latch_never_counted", "std::latch::wait", Line("latch-wait"));
}

TEST(StdSync, Barrier) {
  ExpectClean("barrier_ok");
  ExpectRace("barrier_reads_early", Line("barrier-write"), Line("barrier-read"));
  ExpectStall("barrier_too_many_parties", "std::barrier", Line("barrier-wait"));
}

TEST(StdSync, AtomicWaitAndNotify) {
  ExpectClean("atomic_int_wait");
  ExpectClean("atomic_bool_wait");
  ExpectClean("atomic_flag_wait");
  // Without notify, a waiter that parked before the store is never woken. The waiter
  // spins ~20 steps before it parks: PCT's priorities find that order, uniform random
  // choices (2^-20) do not.
  ExpectStall("atomic_int_no_notify", "std::atomic::wait", Line("atomic-wait"), 200, "pct");
}

// A retry loop whose unlock wakes the futex of a registered (but runnable) waiter is
// busy-waiting: the schedule without preemptions (the DFS's first) lets the other thread
// run instead of looping to the step budget (it was a `livelock`).
TEST(StdSync, ASpinLockWhoseUnlockNotifiesIsScheduledFairly) {
  ExpectClean("spin_lock_turns");
  const Outcome o = RunScenario("spin_lock_turns", 5, "dfs");
  ASSERT_EQ(o.status, 0) << Dump(o);
  EXPECT_EQ(o.schedules, 5) << Dump(o);
  EXPECT_TRUE(o.findings.empty()) << Dump(o);
}

// DPOR (issue #8 item 4): its "all N inequivalent schedules explored" is a proof, so it
// must find every lost wake-up the exhaustive DFS finds, through libstdc++'s spin before
// the futex wait (~20 loads and yields) included.
TEST(StdSync, DporFindsTheLostWakeUps) {
  struct Case {
    const char* scenario;
    const char* what;
    std::string line;
  };
  const Case cases[] = {
      {"atomic_int_no_notify", "std::atomic::wait", Line("atomic-wait")},
      {"atomic_notify_before_store", "std::atomic::wait", Line("notify-early-wait")},
      {"latch_never_counted", "std::latch::wait", Line("latch-wait")},
      {"posix_sem_never_posted", "sem_t", Line("posix-never")},
  };
  for (const Case& c : cases) {
    const Outcome o = RunScenario(c.scenario, 100000, "dpor");
    ASSERT_EQ(o.status, 0) << c.scenario << "\n" << Dump(o);
    EXPECT_TRUE(o.exhausted) << c.scenario << "\n" << Dump(o);
    const auto stalls = WithId(o, "stall");
    ASSERT_FALSE(stalls.empty()) << c.scenario << ": DPOR missed the stall\n" << Dump(o);
    EXPECT_TRUE(Has(stalls[0], c.what)) << c.scenario << "\n" << Dump(o);
    EXPECT_TRUE(Has(stalls[0], c.line)) << c.scenario << "\n" << Dump(o);
  }
}

// A futex wait reads its word (EAGAIN when it changed): DPOR orders it with every store to
// the word, plain or atomic, whichever lab object the wait's point names. Before the wait
// read the word in DPOR's eyes, DPOR ran one schedule of each and proved them correct.
TEST(StdSync, DporOrdersAFutexWaitWithTheStoresToItsWord) {
  for (const char* scenario : {"futex_wait_vs_plain_store", "futex_wait_vs_atomic_store"}) {
    const Outcome dpor = RunScenario(scenario, 100000, "dpor");
    const Outcome dfs = RunScenario(scenario, 100000, "dfs");
    ASSERT_EQ(dpor.status, 0) << scenario << "\n" << Dump(dpor);
    ASSERT_EQ(dfs.status, 0) << scenario << "\n" << Dump(dfs);
    EXPECT_TRUE(dpor.exhausted && dfs.exhausted) << scenario << "\n" << Dump(dpor) << Dump(dfs);
    EXPECT_EQ(WithId(dfs, "wrong-output").size(), 1u) << scenario << "\n" << Dump(dfs);
    EXPECT_EQ(WithId(dpor, "wrong-output").size(), 1u) << scenario << "\n" << Dump(dpor);
    EXPECT_LT(dpor.schedules, dfs.schedules) << scenario;
  }
}

TEST(StdSync, PromiseAndFuture) {
  ExpectClean("future_ok");
  ExpectClean("async_ok", 100);
  ExpectRace("future_read_early", Line("future-write"), Line("future-early-read"));
  ExpectStall("future_never_set", "std::future", Line("future-get"), 5);
}

TEST(StdSync, PosixSemaphores) {
  ExpectClean("posix_sem_ok");
  ExpectClean("posix_sem_timed", 20);
  ExpectRace("posix_sem_starts_open", Line("posix-write"), Line("posix-read"));
  ExpectStall("posix_sem_never_posted", "sem_t", Line("posix-never"), 20);
}

// pthread_barrier_wait parks in futex() inside libc, out of the lab's sight: before
// barriers.cc modelled it, a controlled run blocked in it for real (`hang`).
TEST(StdSync, PosixBarriers) {
  ExpectClean("posix_barrier_ok");
  ExpectRace("posix_barrier_reads_early", Line("pbarrier-write"), Line("pbarrier-read"));
  ExpectStall("posix_barrier_too_many_parties", "pthread_barrier_t", Line("pbarrier-wait"), 20);
}

// glibc's spin lock is an atomic loop inside libc: unmodelled, data it guards was a
// false race (and a thread spinning on it in a controlled run never let the holder run).
TEST(StdSync, PosixSpinLocks) {
  ExpectClean("posix_spin_ok");
  // PTHREAD_MUTEX_ERRORCHECK's EDEADLK and EPERM are answers, not findings (they were
  // self-deadlock and unlock-not-owner).
  ExpectClean("errorcheck_mutex", 100);
  ExpectRace("posix_spin_unlocked_read", Line("pspin-write"), Line("pspin-read"));
}

// A list node's std::mutex in a block freed and handed out again is a new lock: the old
// node's lock-order edges made a false lock-order inversion of a correct hand-over-hand list.
TEST(StdSync, AMutexInReusedMemoryIsANewLock) {
  ExpectClean("reused_node_mutexes");
}

// sem_init in a block handed out again starts a new semaphore with its count: the block's
// old objects, marked for retirement, must not take the new one with them.
TEST(StdSync, ASemaphoreInitialisedInReusedMemoryKeepsItsCount) {
  ExpectClean("reused_block_sem_init");
}

TEST(StdSync, CallOnce) {
  ExpectClean("call_once_ok");
  ExpectClean("call_once_throws", 5);
  ExpectClean("call_once_throws_two_threads", 200);
  ExpectRace("call_once_by_hand", Line("once-hand-write"), Line("once-read"));
  ExpectStall("call_once_recursive", "std::call_once on 'recursive_flag'",
              Line("once-recursive"), 5);
}

// std::atomic<std::shared_ptr<T>>'s internal spin lock orders the pointer it guards.
TEST(StdSync, AtomicSharedPtrIsNoRace) { ExpectClean("atomic_shared_ptr", 100); }

TEST(StdSync, SharedMutex) {
  ExpectClean("shared_ok");
  ExpectClean("shared_timed", 20);
  ExpectRace("shared_writer_takes_shared", Line("shared-write"), Line("shared-read"));
  const Outcome o = RunScenario("shared_upgrade", 5);
  ASSERT_EQ(o.status, 0) << Dump(o);
  bool found = false;
  for (const std::string& f : o.findings) {
    if ((f.rfind("deadlock|", 0) == 0 || f.rfind("self-deadlock|", 0) == 0) &&
        Has(f, Line("shared-upgrade"))) {
      found = true;
    }
  }
  EXPECT_TRUE(found) << Dump(o);
}

TEST(StdSync, AFunctionLocalStaticIsInitialisedOnceAndOrdered) {
  // Only the first schedule of a run initialises it (the static outlives the schedule).
  ExpectClean("static_init", 1);
  // A thread that meets the static half-built waits for it in the lab: a stall naming it.
  const Outcome o = RunScenario("static_init_deadlock", 1);
  ASSERT_EQ(o.status, 0) << Dump(o);
  const auto stalls = WithId(o, "stall");
  ASSERT_EQ(stalls.size(), 1u) << Dump(o);
  EXPECT_TRUE(Has(stalls[0], "the initialisation of a function-local static")) << Dump(o);
  EXPECT_TRUE(Has(stalls[0], "std::latch::wait")) << Dump(o);
  EXPECT_TRUE(Has(stalls[0], Line("gated-static"))) << Dump(o);
  EXPECT_TRUE(Has(stalls[0], Line("gated-wait"))) << Dump(o);
}

TEST(StdSync, YieldIsASchedulingPoint) {
  // The spin on a plain bool ends (the yield lets the setter run: no hang) and races.
  const Outcome o = RunScenario("yield_spin", 50);
  ASSERT_EQ(o.status, 0) << Dump(o);
  EXPECT_TRUE(WithId(o, "hang").empty()) << Dump(o);
  bool race = false;
  for (const std::string& r : WithId(o, "data-race")) {
    if (Has(r, Line("yield-write")) && Has(r, Line("yield-read"))) race = true;
  }
  EXPECT_TRUE(race) << Dump(o);
}

TEST(StdSync, AnUnmodelledBlockingCallIsAHangThatNamesIt) {
  const Outcome o = RunScenario("pipe_read", 1);
  const auto hangs = WithId(o, "hang");
  ASSERT_EQ(hangs.size(), 1u) << Dump(o);
  EXPECT_TRUE(Has(hangs[0], "read()")) << Dump(o);
  // A futex operation the lab does not model: named, with the student's line.
  const Outcome f = RunScenario("raw_futex", 1);
  const auto futex_hangs = WithId(f, "hang");
  ASSERT_EQ(futex_hangs.size(), 1u) << Dump(f);
  EXPECT_TRUE(Has(futex_hangs[0], "futex(FUTEX_WAIT_REQUEUE_PI)")) << Dump(f);
  EXPECT_TRUE(Has(futex_hangs[0], Line("raw-futex"))) << Dump(f);
}

TEST(StdSync, LibraryModeLetsEveryThreadThroughWithoutFalseFindings) {
  // Real threads (a free run): semaphores, latch, barrier, atomic wait, future, sem_t,
  // call_once and shared_mutex in correct code must neither hang nor report.
  std::string out;
  const int status = lab::testing::RunCommand(
      std::string("timeout 120 ") + LAB_SYNC_LIBRARY_MODE + " 2>&1", out);
  EXPECT_EQ(status, 0) << out;
  EXPECT_EQ(out, "done\n") << out;
}

TEST(StdSync, LibraryModeEndsARealStallOnALatchWithStatus35) {
  std::string out;
  const int status = lab::testing::RunCommand(
      std::string("timeout 120 ") + LAB_SYNC_LIBRARY_MODE + " stall 2>&1", out);
  ASSERT_TRUE(WIFEXITED(status)) << out;
  EXPECT_EQ(WEXITSTATUS(status), 35) << out;
  EXPECT_TRUE(Has(out, "lab: stall")) << out;
  EXPECT_TRUE(Has(out, "'main' waits for std::latch::wait")) << out;
  EXPECT_TRUE(Has(out, Line("lib-latch-wait", LAB_SYNC_LIBRARY_MODE_SOURCE))) << out;
}

}  // namespace
