// deadlock_search_test.cc — potential, then confirmed (DESIGN §7): a lock-order inversion
// found by lab::explore is followed by the directed search for the real deadlock.
#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lab/explore.h"
#include "lab/report.h"
#include "lab/sync.h"

namespace {

const lab::Finding* Find(const lab::ExploreResult& r, lab::FindingKind kind) {
  for (const lab::Finding& f : r.findings) {
    if (f.kind == kind) return &f;
  }
  return nullptr;
}

lab::Options Opts() {
  lab::Options o;
  o.strategy = lab::Strategy::kRoundRobin;  // no preemption: the schedule never deadlocks
  o.schedules = 1;
  return o;
}

// alice locks a then b, bob b then a: ABBA. Round robin runs them one after the other, so
// the run that finds the inversion does not deadlock.
void Abba() {
  lab::Mutex a{"a"}, b{"b"};
  lab::Thread alice("alice", [&] {
    std::lock_guard la(a);
    std::lock_guard lb(b);
  });
  lab::Thread bob("bob", [&] {
    std::lock_guard lb(b);
    std::lock_guard la(a);
  });
  alice.join();
  bob.join();
}

TEST(DeadlockSearch, AbbaIsConfirmedWithItsOwnReplay) {
  const lab::ExploreResult r = lab::explore(Opts(), Abba);
  const lab::Finding* inversion = Find(r, lab::FindingKind::kLockOrderInversion);
  ASSERT_NE(inversion, nullptr) << r.summary;
  EXPECT_EQ(inversion->deadlock_check, lab::DeadlockCheck::kConfirmed);
  EXPECT_GE(inversion->search_schedules, 1);
  const lab::Finding* deadlock = Find(r, lab::FindingKind::kDeadlock);
  ASSERT_NE(deadlock, nullptr) << "the directed search must find the real deadlock";
  // The wait-for cycle: each thread holds one lock and waits for the other's.
  std::vector<std::string> objects = deadlock->objects;
  std::sort(objects.begin(), objects.end());
  EXPECT_EQ(objects, (std::vector<std::string>{"a", "b"}));
  EXPECT_NE(deadlock->replay, inversion->replay);
  ASSERT_TRUE(deadlock->trace.has_value());

  // Its token replays that very schedule: the same deadlock, the same interleaving.
  lab::Options replay = Opts();
  replay.replay = deadlock->replay;
  const lab::ExploreResult again = lab::explore(replay, Abba);
  const lab::Finding* d2 = Find(again, lab::FindingKind::kDeadlock);
  ASSERT_NE(d2, nullptr) << again.summary;
  EXPECT_EQ(d2->trace, deadlock->trace);
  EXPECT_EQ(FormatFindingText(*d2), FormatFindingText(*deadlock));
  const lab::Finding* i2 = Find(again, lab::FindingKind::kLockOrderInversion);
  ASSERT_NE(i2, nullptr);
  EXPECT_EQ(i2->deadlock_check, lab::DeadlockCheck::kConfirmed);
}

TEST(DeadlockSearch, ACycleGatedByAJoinIsNotConfirmed) {
  // The two orders never run at once: bob starts only after alice was joined. The lock
  // order is inconsistent (reported), but no schedule of this program deadlocks.
  const lab::ExploreResult r = lab::explore(Opts(), [] {
    lab::Mutex a{"a"}, b{"b"};
    lab::Thread alice("alice", [&] {
      std::lock_guard la(a);
      std::lock_guard lb(b);
    });
    alice.join();
    lab::Thread bob("bob", [&] {
      std::lock_guard lb(b);
      std::lock_guard la(a);
    });
    bob.join();
  });
  const lab::Finding* inversion = Find(r, lab::FindingKind::kLockOrderInversion);
  ASSERT_NE(inversion, nullptr) << r.summary;
  EXPECT_EQ(inversion->deadlock_check, lab::DeadlockCheck::kNotFound);
  EXPECT_GE(inversion->search_schedules, 1);
  EXPECT_EQ(Find(r, lab::FindingKind::kDeadlock), nullptr);
  // No claim the search cannot back: it found none, which is no proof.
  const std::string text = FormatFindingText(*inversion);
  EXPECT_NE(text.find("never held these locks at the same moment"), std::string::npos) << text;
  EXPECT_NE(text.find("or the deadlock needs a schedule the search did not try"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("cannot deadlock"), std::string::npos) << text;
}

TEST(DeadlockSearch, ACycleUnderAGateLockIsNeitherReportedNorSearched) {
  const lab::ExploreResult r = lab::explore(Opts(), [] {
    lab::Mutex gate{"gate"}, a{"a"}, b{"b"};
    lab::Thread alice("alice", [&] {
      std::lock_guard g(gate);
      std::lock_guard la(a);
      std::lock_guard lb(b);
    });
    lab::Thread bob("bob", [&] {
      std::lock_guard g(gate);
      std::lock_guard lb(b);
      std::lock_guard la(a);
    });
    alice.join();
    bob.join();
  });
  EXPECT_TRUE(r.ok()) << (r.findings.empty() ? "" : FormatFindingText(r.findings.front()));
}

TEST(DeadlockSearch, OneThreadsCycleIsReportedAndSaysWhy) {
  // DESIGN §4: A then B in one function, B then A in another, one thread: reported, as
  // TSan, Helgrind and lockdep do; this run cannot deadlock, two threads would.
  const lab::ExploreResult r = lab::explore(Opts(), [] {
    lab::Mutex a{"a"}, b{"b"};
    auto ab = [&] {
      std::lock_guard la(a);
      std::lock_guard lb(b);
    };
    auto ba = [&] {
      std::lock_guard lb(b);
      std::lock_guard la(a);
    };
    lab::Thread solo("solo", [&] {
      ab();
      ba();
    });
    solo.join();
  });
  const lab::Finding* inversion = Find(r, lab::FindingKind::kLockOrderInversion);
  ASSERT_NE(inversion, nullptr) << r.summary;
  EXPECT_EQ(inversion->threads, std::vector<std::string>{"solo"});
  EXPECT_EQ(inversion->deadlock_check, lab::DeadlockCheck::kOneThread);
  EXPECT_EQ(inversion->search_schedules, 0);
  EXPECT_NE(inversion->message.find("deadlock once two threads run them"), std::string::npos)
      << inversion->message;
  EXPECT_EQ(Find(r, lab::FindingKind::kDeadlock), nullptr);
}

// The header states what the bug needs, and the bug is the deadlock: the inversion shows in
// a schedule without any preemption (each thread runs its transfer whole), but the deadlock
// needs one (a thread switched away from between its two locks), and the ⟲ of the
// confirmed deadlock's interleaving says so. It said "this bug needs no preemption".
TEST(DeadlockSearch, TheHeaderStatesTheConfirmedDeadlocksPreemptions) {
  int checked = 0;
  for (std::uint64_t seed : {1, 2, 3}) {
    lab::Options o;
    o.strategy = lab::Strategy::kRandom;
    o.seed = seed;
    o.schedules = 100;
    o.shrink_runs = 200;
    const lab::ExploreResult r = lab::explore(o, Abba);
    const lab::Finding* inversion = Find(r, lab::FindingKind::kLockOrderInversion);
    ASSERT_NE(inversion, nullptr) << r.summary;
    if (inversion->deadlock_check != lab::DeadlockCheck::kConfirmed) continue;  // a deadlock
    ASSERT_TRUE(inversion->trace.has_value());
    ++checked;
    EXPECT_EQ(inversion->trace->preemptions, 0) << "seed " << seed;
    EXPECT_EQ(inversion->deadlock_preemptions, 1) << "seed " << seed;
    const std::string text = lab::FormatFindingText(*inversion);
    EXPECT_NE(text.find("the confirmed deadlock below shows this bug with 1 preemption"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("needs no preemption"), std::string::npos) << text;
    const lab::Finding* deadlock = Find(r, lab::FindingKind::kDeadlock);
    ASSERT_NE(deadlock, nullptr);
    ASSERT_TRUE(deadlock->trace.has_value());
    const auto marks = std::count_if(deadlock->trace->events.begin(),
                                     deadlock->trace->events.end(),
                                     [](const lab::TraceEvent& e) { return e.preempted; });
    EXPECT_EQ(marks, 1);
  }
  EXPECT_GE(checked, 2) << "most seeds find the inversion in a schedule that does not deadlock";
}

TEST(DeadlockSearch, TheVerdictSurvivesJson) {
  const lab::ExploreResult r = lab::explore(Opts(), Abba);
  std::vector<lab::Finding> back;
  ASSERT_TRUE(lab::FindingsFromJson(lab::FindingsToJson(r.findings), &back));
  ASSERT_EQ(back.size(), r.findings.size());
  for (std::size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(back[i].deadlock_check, r.findings[i].deadlock_check);
    EXPECT_EQ(back[i].search_schedules, r.findings[i].search_schedules);
    EXPECT_EQ(back[i].deadlock_preemptions, r.findings[i].deadlock_preemptions);
  }
}

}  // namespace
