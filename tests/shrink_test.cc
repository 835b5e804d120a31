// shrink_test.cc — the simplest failing schedule (DESIGN §7, issue #9 item 2) and the one
// de-duplication rule for findings (lab::FindingKey).
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lab/explore.h"
#include "lab/report.h"
#include "lab/sync.h"

namespace {

// Three threads increment an Atomic counter by a load and then a store, three times each:
// no data race (the accesses are atomic), but an update is lost whenever a thread is
// preempted between its load and its store and another thread stores meanwhile. Without a
// preemption every thread runs its load-store pairs back to back and nothing is lost, so
// the bug needs exactly one preemption.
void LostUpdate() {
  lab::Atomic<int> n{0, "n"};
  auto inc = [&] {
    for (int i = 0; i < 3; ++i) {
      const int v = n.load();
      n.store(v + 1);
    }
  };
  {
    lab::Thread a("a", inc), b("b", inc), c("c", inc);
    a.join();
    b.join();
    c.join();
  }
  if (n.load() != 9) {
    lab::report(lab::FindingKind::kWrongOutput,
                "counter is " + std::to_string(n.load()) + ", expected 9", {"n"});
  }
}

lab::Options Random(std::uint64_t seed, int shrink_runs) {
  lab::Options o;
  o.strategy = lab::Strategy::kRandom;
  o.seed = seed;
  o.schedules = 500;
  o.shrink_runs = shrink_runs;
  return o;
}

TEST(Shrink, ALostUpdateIsReportedWithOnePreemption) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const lab::ExploreResult as_found = lab::explore(Random(seed, 0), LostUpdate);
    ASSERT_FALSE(as_found.ok()) << "seed " << seed;
    ASSERT_EQ(as_found.findings[0].kind, lab::FindingKind::kWrongOutput);
    // Random schedules preempt all the time: what was found is far from the simplest.
    EXPECT_GT(as_found.failing.preemptions, 1) << "seed " << seed;

    const lab::ExploreResult r = lab::explore(Random(seed, 200), LostUpdate);
    ASSERT_FALSE(r.ok());
    const lab::Finding& f = r.findings[0];
    EXPECT_EQ(f.kind, lab::FindingKind::kWrongOutput);
    EXPECT_EQ(r.failing.preemptions, 1) << "seed " << seed << ": " << r.summary;
    ASSERT_TRUE(f.trace.has_value());
    EXPECT_EQ(f.trace->preemptions, 1);
    EXPECT_EQ(f.replay.rfind("v2.min.", 0), 0u) << f.replay;
    EXPECT_EQ(r.replay_token, f.replay);
    EXPECT_GT(r.shrink_runs, 0);
    EXPECT_LE(r.shrink_runs, 201);  // the budget, and the rerun of the result
    const std::string text = lab::FormatFindingText(f);
    EXPECT_NE(text.find("this bug needs 1 preemption "), std::string::npos) << text;

    // The token replays that schedule, byte for byte.
    lab::Options again;
    again.replay = r.replay_token;
    const lab::ExploreResult replayed = lab::explore(again, LostUpdate);
    ASSERT_EQ(replayed.schedules_run, 1);
    EXPECT_EQ(replayed.shrink_runs, 0);  // a replay is never shrunk again
    ASSERT_FALSE(replayed.findings.empty());
    EXPECT_EQ(replayed.findings[0], f);
    EXPECT_EQ(lab::FormatFindingText(replayed.findings[0]), text);
  }
}

// Whatever strategy found it, the reported schedule is never worse than the one found: no
// more preemptions, no more steps, and the same first finding.
TEST(Shrink, NeverMorePreemptionsOrSteps) {
  struct Case {
    lab::Strategy strategy;
    std::uint64_t seed;
  };
  int compared = 0;
  for (Case c : {Case{lab::Strategy::kRandom, 7}, Case{lab::Strategy::kRandom, 8},
                 Case{lab::Strategy::kPct, 1}, Case{lab::Strategy::kPct, 2},
                 Case{lab::Strategy::kExhaustive, 1}, Case{lab::Strategy::kDpor, 1}}) {
    lab::Options o;
    o.strategy = c.strategy;
    o.seed = c.seed;
    o.schedules = 2000;
    o.shrink_runs = 0;
    const lab::ExploreResult found = lab::explore(o, LostUpdate);
    o.shrink_runs = 100;
    const lab::ExploreResult shrunk = lab::explore(o, LostUpdate);
    if (found.ok()) continue;
    ASSERT_FALSE(shrunk.ok());
    ++compared;
    EXPECT_EQ(lab::FindingKey(shrunk.findings[0]), lab::FindingKey(found.findings[0]));
    EXPECT_LE(shrunk.failing.preemptions, found.failing.preemptions);
    EXPECT_LE(shrunk.failing.steps, found.failing.steps);
    EXPECT_EQ(shrunk.schedules_run, found.schedules_run);  // shrinking is not exploring
  }
  EXPECT_GE(compared, 5);
}

// A bug without any preemption (a lost wake-up that the plain run-until-blocked schedule
// shows) is reported as such.
TEST(Shrink, ABugThatNeedsNoPreemptionSaysSo) {
  lab::Options o = Random(3, 200);
  o.spurious_wakeups = false;
  const lab::ExploreResult r = lab::explore(o, [] {
    lab::Mutex m{"m"};
    lab::CondVar cv{"cv"};
    lab::Thread waiter("waiter", [&] {
      std::unique_lock lk(m);
      cv.wait(lk);  // no condition: the notify may already have happened
    });
    lab::Thread notifier("notifier", [&] {
      std::lock_guard lk(m);
      cv.notify_one();
    });
    waiter.join();
    notifier.join();
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.findings[0].kind, lab::FindingKind::kStall);
  EXPECT_EQ(r.failing.preemptions, 0) << r.summary;
  EXPECT_NE(lab::FormatFindingText(r.findings[0]).find("this bug needs no preemption"),
            std::string::npos);
}

// FooBar with `if` where a `while` belongs (puzzles/foobar/buggy/if_not_while.cpp), n
// rounds. With two threads every notify_all follows a change of the turn the other thread
// waits for, so without a spurious wake-up a waiter is only ever woken when its turn has
// come: no schedule fails, however many preemptions it has. One spurious wake-up of 'bar'
// while it waits for its turn (in the run-until-blocked schedule, at its first wait) makes
// it print twice in a row, with no preemption at all. So the bug needs exactly no
// preemption and one spurious wake-up, whichever finding comes first (the repeated print,
// or with n = 2 a thread that then waits for ever). (Counting the wake-up as a preemption, or not
// shrinking towards it, reported 13 to 30 preemptions for the puzzle's variants.)
void FooBarIfNotWhile(int n) {
  lab::Mutex lock{"lock"};
  lab::CondVar turn_changed{"turn_changed"};
  lab::Shared<bool> foo_turn{true, "foo_turn"};
  lab::Shared<std::string> out{std::string(), "out"};
  auto print = [&](const char* word) {
    out.write([&](std::string& s) { s += word; });
  };
  lab::Thread foo("foo", [&] {
    for (int i = 0; i < n; ++i) {
      std::unique_lock lk(lock);
      if (!foo_turn.load()) turn_changed.wait(lk);
      print("foo");
      foo_turn.store(false);
      turn_changed.notify_all();
    }
  });
  lab::Thread bar("bar", [&] {
    for (int i = 0; i < n; ++i) {
      std::unique_lock lk(lock);
      if (foo_turn.load()) turn_changed.wait(lk);
      print("bar");
      foo_turn.store(true);
      turn_changed.notify_all();
    }
  });
  foo.join();
  bar.join();
  std::string want;
  for (int i = 0; i < n; ++i) want += "foobar";
  const std::string got = out.read([](const std::string& s) { return s; });
  if (got != want) {
    lab::report(lab::FindingKind::kWrongOutput, "printed " + got + ", expected " + want, {"out"});
  }
}

TEST(Shrink, AnIfNotWhileBugNeedsOneSpuriousWakeUpAndNoPreemption) {
  for (std::uint64_t seed : {1, 2, 3}) {
    for (int n : {2, 20}) {
      lab::Options o = Random(seed, 200);
      o.spurious_wakeups = true;
      const lab::ExploreResult r = lab::explore(o, [n] { FooBarIfNotWhile(n); });
      ASSERT_FALSE(r.ok()) << "seed " << seed << " n " << n;
      // Printed twice, or (n = 2: 'bar' done early) the other thread then waits for ever.
      EXPECT_TRUE(r.findings[0].kind == lab::FindingKind::kWrongOutput ||
                  r.findings[0].kind == lab::FindingKind::kStall)
          << r.findings[0].id();
      EXPECT_EQ(r.failing.preemptions, 0) << "seed " << seed << " n " << n << ": " << r.summary;
      EXPECT_EQ(r.failing.spurious_wakeups, 1) << "seed " << seed << " n " << n;
      ASSERT_TRUE(r.findings[0].trace.has_value());
      EXPECT_EQ(r.findings[0].trace->preemptions, 0);
      EXPECT_EQ(r.findings[0].trace->spurious_wakeups, 1);
      EXPECT_NE(lab::FormatFindingText(r.findings[0])
                    .find("this bug needs no preemption, only 1 spurious wake-up"),
                std::string::npos)
          << lab::FormatFindingText(r.findings[0]);
    }
  }
}

// Without spurious wake-ups the same program never fails: what the bug needs is the wake-up.
TEST(Shrink, AnIfNotWhileBugCannotFailWithoutASpuriousWakeUp) {
  lab::Options o;
  o.strategy = lab::Strategy::kExhaustive;
  o.preemption_bound = 3;
  o.schedules = 20000;
  o.spurious_wakeups = false;
  const lab::ExploreResult r = lab::explore(o, [] { FooBarIfNotWhile(2); });
  EXPECT_TRUE(r.ok()) << r.summary;
  EXPECT_TRUE(r.exhausted) << r.summary;
}

// One rule within a schedule and across schedules: the same check failing with different
// values is one finding, and so is the same finding in two schedules.
// A program that fails only in its third run (it counts its runs in a global, as TSan's
// simulate_forgotten_join.cpp does): no rerun fails again, so the schedule reported is the
// search's own, and the summary must not claim it was shrunk.
int g_runs = 0;
TEST(Shrink, AFailureNoRerunReproducesIsNotCalledShrunk) {
  g_runs = 0;
  lab::Options o;
  o.schedules = 10;
  const lab::ExploreResult r = lab::explore(o, [] {
    lab::Shared<int> n{0, "n"};
    lab::Thread a("a", [&] { n += 1; });
    a.join();
    if (++g_runs == 3) lab::report(lab::FindingKind::kWrongOutput, "third run");
  });
  ASSERT_FALSE(r.ok()) << r.summary;
  EXPECT_GT(r.shrink_runs, 0) << r.summary;
  EXPECT_EQ(r.replay_token.rfind("v2.min.", 0), std::string::npos) << r.replay_token;
  EXPECT_EQ(r.summary.find("shrunk in"), std::string::npos) << r.summary;
  EXPECT_NE(r.summary.find("not shrunk"), std::string::npos) << r.summary;
}

TEST(FindingKey, MessageValuesDoNotMakeANewFinding) {
  auto body = [] {
    lab::Atomic<int> winner{0, "winner"};
    lab::Thread a("a", [&] { winner.store(1); }), b("b", [&] { winner.store(2); });
    a.join();
    b.join();
    for (int round = 0; round < 2; ++round) {  // one site, two messages
      lab::report(lab::FindingKind::kWrongOutput,
                  "winner was " + std::to_string(winner.load() + round));
    }
  };
  lab::Options o = Random(1, 0);
  o.schedules = 50;
  o.stop_on_failure = false;
  const lab::ExploreResult r = lab::explore(o, body);
  EXPECT_EQ(r.schedules_run, 50);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_NE(r.findings[0].message.find("winner was "), std::string::npos);

  lab::Finding x, y;
  x.kind = y.kind = lab::FindingKind::kWrongOutput;
  x.message = "winner was 1";
  y.message = "winner was 2";
  x.sites = y.sites = {{"race.cpp", 12}};
  EXPECT_EQ(lab::FindingKey(x), lab::FindingKey(y));
  y.sites = {{"race.cpp", 13}};
  EXPECT_NE(lab::FindingKey(x), lab::FindingKey(y));
  y.sites = x.sites;
  y.objects = {"winner"};
  EXPECT_NE(lab::FindingKey(x), lab::FindingKey(y));
  y.kind = lab::FindingKind::kTooSlow;
  y.objects.clear();
  EXPECT_NE(lab::FindingKey(x), lab::FindingKey(y));
}

}  // namespace
