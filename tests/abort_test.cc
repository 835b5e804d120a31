// abort_test.cc — abort() and a failed assert() inside lab::explore are a `crash` finding
// naming the thread, the assertion and its line, with a replay token; not a dead process.
// Not run under ThreadSanitizer (label no_tsan): the SIGABRT handler leaves by a fiber
// switch, which TSan's signal bookkeeping does not expect.
#undef NDEBUG  // the tests are built with -DNDEBUG; these assertions must be compiled in
#include <atomic>
#include <cassert>
#include <cstdlib>
#include <string>

#include "gtest/gtest.h"
#include "lab/explore.h"
#include "lab/sync.h"

namespace {

lab::Options Few() {
  lab::Options o;
  o.schedules = 20;
  return o;
}

// Two threads; the second asserts what only one interleaving breaks: that the first has
// not run yet. Found in some schedule, not in every one.
void AssertingBody() {
  lab::Atomic<int> done{0, "done"};
  lab::Thread first("first", [&] { done.store(1); });
  lab::Thread second("second", [&] {
    lab::yield();
    assert(done.load() == 0 && "second runs before first");  // ASSERT_LINE
  });
  first.join();
  second.join();
}
constexpr int kAssertLine = 30;  // the line marked ASSERT_LINE above

TEST(Abort, AFailedAssertIsACrashFindingWithTheThreadTheLineAndAReplay) {
  lab::Options o = Few();
  o.strategy = lab::Strategy::kExhaustive;
  const lab::ExploreResult r = lab::explore(o, AssertingBody);
  ASSERT_EQ(r.findings.size(), 1u) << r.summary;
  const lab::Finding& f = r.findings[0];
  EXPECT_EQ(f.kind, lab::FindingKind::kCrash);
  EXPECT_EQ(f.threads, std::vector<std::string>{"second"});
  EXPECT_NE(f.message.find("failed assert(done.load() == 0 && \"second runs before first\")"),
            std::string::npos)
      << f.message;
  EXPECT_NE(f.message.find("abort_test.cc:" + std::to_string(kAssertLine)), std::string::npos)
      << f.message;
  ASSERT_EQ(f.sites.size(), 1u);
  EXPECT_EQ(f.sites[0].line, kAssertLine);
  EXPECT_FALSE(r.replay_token.empty());
  ASSERT_TRUE(f.trace.has_value());
  EXPECT_FALSE(f.trace->events.empty());  // the interleaving that led to it

  // The token replays the same finding.
  lab::Options replay;
  replay.replay = r.replay_token;
  const lab::ExploreResult again = lab::explore(replay, AssertingBody);
  ASSERT_EQ(again.findings.size(), 1u) << again.summary;
  EXPECT_EQ(again.findings[0].message, f.message);
}

TEST(Abort, AbortIsACrashFindingNamingTheThreadAndItsLastOperation) {
  const lab::ExploreResult r = lab::explore(Few(), [] {
    lab::Mutex m{"m"};
    lab::Thread quitter("quitter", [&] {
      m.lock();
      m.unlock();
      std::abort();
    });
    quitter.join();
  });
  ASSERT_EQ(r.findings.size(), 1u) << r.summary;
  const lab::Finding& f = r.findings[0];
  EXPECT_EQ(f.kind, lab::FindingKind::kCrash);
  EXPECT_EQ(f.threads, std::vector<std::string>{"quitter"});
  EXPECT_NE(f.message.find("called abort()"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("abort_test.cc:"), std::string::npos) << f.message;
  EXPECT_EQ(r.schedules_run, 1);  // the schedule ended there, and exploring stopped
}

TEST(Abort, ExploringGoesOnNormallyAfterwards) {
  (void)lab::explore(Few(), [] {
    lab::Thread t("t", [] { std::abort(); });
    t.join();
  });
  const lab::ExploreResult r = lab::explore(Few(), [] {
    lab::Shared<int> n{0, "n"};
    lab::Mutex m{"m"};
    lab::Thread a("a", [&] {
      std::lock_guard<lab::Mutex> lk(m);
      n += 1;
    });
    a.join();
  });
  EXPECT_TRUE(r.findings.empty()) << r.summary;
  EXPECT_EQ(r.schedules_run, 20);
}

// A bad memory access in a lab thread (a dangling reference, an index past the end) is a
// `crash` finding naming the signal and the thread, with a replay token, as abort() is; it
// used to kill the whole program: no thread, no line, no interleaving, and the findings of
// that schedule (the data race that led to the bad index) were lost with it.
void FaultingBody() {
  lab::Mutex m{"m"};
  lab::Thread t("faulty", [&] {
    m.lock();
    m.unlock();
    volatile int* volatile p = nullptr;
    *p = 1;
  });
  t.join();
}

TEST(Abort, ASegmentationFaultIsACrashFindingWithTheThreadAndAReplay) {
  const lab::ExploreResult r = lab::explore(Few(), FaultingBody);
  ASSERT_EQ(r.findings.size(), 1u) << r.summary;
  const lab::Finding& f = r.findings[0];
  EXPECT_EQ(f.kind, lab::FindingKind::kCrash);
  EXPECT_EQ(f.threads, std::vector<std::string>{"faulty"});
  EXPECT_NE(f.message.find("was killed by SIGSEGV"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("abort_test.cc:"), std::string::npos) << f.message;
  EXPECT_EQ(r.schedules_run, 1);
  EXPECT_FALSE(r.replay_token.empty());
  lab::Options replay;
  replay.replay = r.replay_token;
  const lab::ExploreResult again = lab::explore(replay, FaultingBody);
  ASSERT_EQ(again.findings.size(), 1u) << again.summary;
  EXPECT_EQ(again.findings[0].message, f.message);
  // And exploring goes on normally afterwards.
  const lab::ExploreResult next = lab::explore(Few(), [] {
    lab::Thread a("a", [] {});
    a.join();
  });
  EXPECT_TRUE(next.findings.empty()) << next.summary;
}

// Outside a schedule, a segmentation fault keeps its usual action.
TEST(AbortDeathTest, OutsideExploreASegmentationFaultStillKillsTheProgram) {
  EXPECT_DEATH(
      {
        volatile int* volatile p = nullptr;
        *p = 1;
      },
      "");
}

// Outside a schedule, abort() keeps its usual action.
TEST(AbortDeathTest, OutsideExploreAbortStillKillsTheProgram) {
  EXPECT_DEATH(std::abort(), "");
}

// The random search records no trace (explore.cc: RerunRecording): the crash's
// interleaving comes from a rerun of its schedule that ends where the SIGABRT came,
// without failing the assertion again, and it is the interleaving the token's replay draws.
std::atomic<int> g_asserted{0};
void CountingAssertBody() {
  lab::Atomic<int> done{0, "done"};
  lab::Thread first("first", [&] { done.store(1); });
  lab::Thread second("second", [&] {
    const int d = done.load();
    g_asserted.fetch_add(1);
    assert(d == 0 && "second runs before first");
  });
  first.join();
  second.join();
}

TEST(Abort, TheRerunThatDrawsTheInterleavingStopsBeforeTheAbort) {
  lab::Options o = Few();
  o.shrink_runs = 0;  // the search's own schedule (the shrinker records as it goes)
  const lab::ExploreResult r = lab::explore(o, CountingAssertBody);
  ASSERT_EQ(r.findings.size(), 1u) << r.summary;
  const lab::Finding& f = r.findings[0];
  EXPECT_EQ(f.kind, lab::FindingKind::kCrash);
  ASSERT_TRUE(f.trace.has_value());
  EXPECT_FALSE(f.trace->events.empty());
  const int asserted = g_asserted.load();  // once per schedule that got there, no more
  EXPECT_EQ(asserted, r.schedules_run) << r.summary;

  lab::Options replay;
  replay.replay = r.replay_token;
  const lab::ExploreResult again = lab::explore(replay, CountingAssertBody);
  ASSERT_EQ(again.findings.size(), 1u) << again.summary;
  EXPECT_EQ(g_asserted.load(), asserted + 1);
  EXPECT_TRUE(again.findings[0] == f) << again.findings[0].message;
}

}  // namespace
