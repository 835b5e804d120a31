// lazy_recording_test.cc — the random and PCT searches record no trace and no choice log
// while they run; a schedule with a finding is run again from its token with recording on
// (explore.cc: RerunRecording), and its findings are those the replay of the printed token
// reports, byte for byte: the interleaving, the steps a race names, the token. One finding
// kind per test (hang, abort and stack overflow: hang_test, abort_test,
// stack_overflow_test, which run outside ThreadSanitizer).
#include <atomic>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>

#include "gtest/gtest.h"
#include "lab/explore.h"
#include "lab/sync.h"

namespace {

lab::Options Search(lab::Strategy s = lab::Strategy::kRandom) {
  lab::Options o;
  o.strategy = s;
  o.seed = 7;
  o.schedules = 200;
  o.shrink_runs = 0;  // the reported schedule is the search's own (the shrinker records)
  return o;
}

// The search finds `kind`; every finding has an interleaving; the token's replay (which
// records as it goes) reports exactly the same findings.
void ExpectSameAsReplay(const lab::Options& o, const std::function<void()>& body,
                        lab::FindingKind kind) {
  const lab::ExploreResult r = lab::explore(o, body);
  ASSERT_FALSE(r.findings.empty()) << r.summary;
  EXPECT_EQ(r.findings.front().kind, kind) << r.summary;
  for (const lab::Finding& f : r.findings) {
    ASSERT_TRUE(f.trace.has_value()) << f.message;
    EXPECT_FALSE(f.trace->events.empty()) << f.message;
  }
  lab::Options replay;
  replay.replay = r.replay_token;
  replay.step_budget = o.step_budget;
  const lab::ExploreResult again = lab::explore(replay, body);
  ASSERT_EQ(again.findings.size(), r.findings.size()) << again.summary;
  for (std::size_t i = 0; i < r.findings.size(); ++i) {
    EXPECT_TRUE(again.findings[i] == r.findings[i]) << r.findings[i].message;
    ASSERT_TRUE(again.findings[i].trace.has_value());
    EXPECT_EQ(again.findings[i].trace->events.size(), r.findings[i].trace->events.size());
  }
}

void RacyBody() {
  lab::Shared<int> x{0, "x"};
  lab::Thread a("a", [&] { x.store(x.load() + 1); }), b("b", [&] { x.store(x.load() + 1); });
  a.join();
  b.join();
}

TEST(LazyRecording, ADataRaceIsDrawnAsItsReplayDrawsIt) {
  ExpectSameAsReplay(Search(), RacyBody, lab::FindingKind::kDataRace);
}

TEST(LazyRecording, PctSchedulesAreRerunFromTheirTokenToo) {
  ExpectSameAsReplay(Search(lab::Strategy::kPct), RacyBody, lab::FindingKind::kDataRace);
}

TEST(LazyRecording, ADeadlockAndItsInversion) {
  ExpectSameAsReplay(
      Search(),
      [] {
        lab::Mutex m1("m1"), m2("m2");
        lab::Thread a("a", [&] {
          std::lock_guard g1(m1);
          std::lock_guard g2(m2);
        });
        lab::Thread b("b", [&] {
          std::lock_guard g2(m2);
          std::lock_guard g1(m1);
        });
        a.join();
        b.join();
      },
      lab::FindingKind::kLockOrderInversion);
}

TEST(LazyRecording, AMisuse) {
  ExpectSameAsReplay(
      Search(),
      [] {
        lab::Mutex m("m");
        lab::Thread a("a", [&] { m.lock(); });
        a.join();
        m.unlock();  // not the owner
      },
      lab::FindingKind::kExitHoldingLock);
}

TEST(LazyRecording, ALivelock) {
  lab::Options o = Search();
  o.step_budget = 300;
  ExpectSameAsReplay(
      o,
      [] {
        lab::Atomic<int> turn{0, "turn"};
        lab::Thread a("a", [&] {
          while (turn.load() != 1) lab::yield();  // nobody ever sets it
        });
        a.join();
      },
      lab::FindingKind::kLivelock);
}

TEST(LazyRecording, AWrongOutputAndAnUncaughtException) {
  ExpectSameAsReplay(
      Search(),
      [] {
        lab::Atomic<int> last{0, "last"};
        lab::Thread a("a", [&] { last.store(1); }), b("b", [&] { last.store(2); });
        a.join();
        b.join();
        if (last.load() == 1) lab::report(lab::FindingKind::kWrongOutput, "a wrote last");
      },
      lab::FindingKind::kWrongOutput);
  ExpectSameAsReplay(
      Search(),
      [] {
        lab::Atomic<int> first{0, "first"};
        lab::Thread a("a", [&] {
          if (first.exchange(1) == 0) throw std::runtime_error("a came first");
        });
        lab::Thread b("b", [&] { first.exchange(2); });
        a.join();
        b.join();
      },
      lab::FindingKind::kUncaughtException);
}

// Without stop_on_failure every failing schedule is reported as found, but a finding
// already kept is not drawn again: only schedules with a new finding are rerun.
TEST(LazyRecording, OnlySchedulesWithANewFindingAreRerun) {
  std::atomic<int> runs{0};
  lab::Options o = Search();
  o.stop_on_failure = false;
  const lab::ExploreResult r = lab::explore(o, [&] {
    runs.fetch_add(1);
    RacyBody();
  });
  ASSERT_FALSE(r.findings.empty()) << r.summary;
  EXPECT_EQ(r.schedules_run, 200);
  EXPECT_GE(runs.load(), 200 + 1);  // the first failing schedule was drawn
  EXPECT_LE(runs.load(), 200 + static_cast<int>(r.findings.size()));
  for (const lab::Finding& f : r.findings) EXPECT_TRUE(f.trace.has_value()) << f.message;
}

// A program that does not repeat itself under a fixed schedule (it fails only the first
// time it runs): the rerun does not find it again, and the search keeps what it found,
// without an interleaving, rather than a report of a run that did not fail.
TEST(LazyRecording, ARerunThatDoesNotFailTheSameWayKeepsTheFinding) {
  std::atomic<int> runs{0};
  const lab::ExploreResult r = lab::explore(Search(), [&] {
    lab::Atomic<int> x{0, "x"};
    lab::Thread a("a", [&] { x.store(1); });
    a.join();
    if (runs.fetch_add(1) == 0) lab::report(lab::FindingKind::kWrongOutput, "first run");
  });
  ASSERT_EQ(r.findings.size(), 1u) << r.summary;
  EXPECT_EQ(r.findings[0].message, "first run");
  EXPECT_FALSE(r.findings[0].trace.has_value());
  EXPECT_EQ(runs.load(), 2);  // the schedule and its rerun
  EXPECT_EQ(r.schedules_run, 1);
}

}  // namespace
