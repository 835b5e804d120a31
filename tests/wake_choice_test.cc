// wake_choice_test.cc — which waiter a wake-up wakes is a scheduling choice.
//
// C++, POSIX and Python promise no order among the threads blocked on one object: a
// notify_one, a pthread_cond_signal, an unlock with several blocked lockers, a semaphore
// release, a futex wake may wake any of them (glibc's condition variable is not FIFO). A
// controlled run lets the strategy choose (ChoiceView::wake): random and PCT pick, the
// DFS and DPOR enumerate, tokens record the pick, and the interleaving notes it
// ("wakes b"). These programs fix the order their threads begin to wait in by their own
// logic, so a scheduler that always woke the longest waiter (as the lab did) never saw
// the other wake-up and passed every schedule.
#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lab/explore.h"
#include "lab/report.h"
#include "lab/sync.h"

namespace {

lab::Options With(lab::Strategy s, bool spurious) {
  lab::Options o;
  o.strategy = s;
  o.schedules = s == lab::Strategy::kDpor || s == lab::Strategy::kExhaustive ? 100000 : 500;
  // dfs: waking another than the longest waiter counts one toward the bound (no preemption
  // is needed); dpor: at most one spurious wake-up per schedule.
  o.preemption_bound = 1;
  o.spurious_wakeups = spurious;
  return o;
}

bool Has(const lab::ExploreResult& r, lab::FindingKind k) {
  for (const auto& f : r.findings) {
    if (f.kind == k) return true;
  }
  return false;
}

// Turns on one condition variable, handed on with notify_one. a waits for turn 1, b for
// turn 2, and main sets turn 1 once both wait; a then sets turn 2 and notifies again. The
// order they wait in is fixed: a announces itself and waits in one critical section, b
// waits on `ready` until a has announced itself, main until b has. Woken longest waiter
// first, a is always the one main wakes, and every schedule passes; a notify_one that wakes
// b instead (b checks its turn and waits again) leaves a asleep for ever: a stall.
void TurnsOnOneCondVar() {
  lab::Mutex m{"m"};
  lab::CondVar cv{"cv"}, ready{"ready"};
  lab::Shared<int> turn{0, "turn"}, in{0, "in"};
  lab::Thread a("a", [&] {
    std::unique_lock lk(m);
    in = 1;
    ready.notify_all();
    while (turn != 1) cv.wait(lk);
    turn = 2;
    cv.notify_one();
  });
  lab::Thread b("b", [&] {
    std::unique_lock lk(m);
    while (in != 1) ready.wait(lk);
    in = 2;
    ready.notify_all();
    while (turn != 2) cv.wait(lk);
  });
  {
    std::unique_lock lk(m);
    while (in != 2) ready.wait(lk);
    turn = 1;
    cv.notify_one();  // the bug: a and b wait for different turns
  }
  a.join();
  b.join();
}

TEST(WakeChoice, EveryStrategyFindsTheNotifyOneThatWakesTheWrongWaiter) {
  for (lab::Strategy s : {lab::Strategy::kRandom, lab::Strategy::kPct, lab::Strategy::kExhaustive,
                         lab::Strategy::kDpor}) {
    // Without spurious wake-ups: a spurious one lets a wait again behind b, which a FIFO
    // queue then wakes first (how the lab found such bugs, when it did).
    const lab::ExploreResult r = lab::explore(With(s, false), TurnsOnOneCondVar);
    EXPECT_TRUE(Has(r, lab::FindingKind::kStall)) << lab::StrategyName(s) << ": " << r.summary;
  }
}

TEST(WakeChoice, TheBugNeedsNoPreemptionAndTheInterleavingSaysWhomTheNotifyWoke) {
  const lab::ExploreResult r = lab::explore(lab::Options{}, TurnsOnOneCondVar);
  ASSERT_TRUE(Has(r, lab::FindingKind::kStall)) << r.summary;
  EXPECT_EQ(r.failing.preemptions, 0) << r.summary;
  EXPECT_EQ(r.failing.spurious_wakeups, 0) << r.summary;
  const lab::Finding& f = r.findings.front();
  ASSERT_TRUE(f.trace.has_value());
  bool noted = false;
  for (const lab::TraceEvent& e : f.trace->events) noted |= e.note == "wakes b";
  EXPECT_TRUE(noted) << lab::FormatFindingText(f);
  const std::string text = lab::FormatFindingText(f);
  EXPECT_NE(text.find("wakes b"), std::string::npos) << text;
}

TEST(WakeChoice, TokensReproduceTheWakeUp) {
  for (lab::Strategy s : {lab::Strategy::kRandom, lab::Strategy::kPct, lab::Strategy::kExhaustive,
                         lab::Strategy::kDpor}) {
    for (int shrink : {0, 200}) {
      lab::Options o = With(s, true);
      o.shrink_runs = shrink;
      const lab::ExploreResult r = lab::explore(o, TurnsOnOneCondVar);
      ASSERT_FALSE(r.ok()) << lab::StrategyName(s) << ": " << r.summary;
      lab::Options again;
      again.replay = r.replay_token;
      const lab::ExploreResult b = lab::explore(again, TurnsOnOneCondVar);
      ASSERT_EQ(r.findings.size(), b.findings.size()) << r.replay_token;
      for (std::size_t i = 0; i < r.findings.size(); ++i) {
        EXPECT_EQ(lab::FormatFindingText(r.findings[i]), lab::FormatFindingText(b.findings[i]))
            << r.replay_token;
      }
    }
  }
}

// notify_all is the fix: no strategy finds anything, and the systematic ones prove it.
TEST(WakeChoice, NotifyAllPassesEverySchedule) {
  auto fixed = [] {
    lab::Mutex m{"m"};
    lab::CondVar cv{"cv"};
    lab::Shared<int> turn{0, "turn"};
    lab::Thread a("a", [&] {
      std::unique_lock lk(m);
      while (turn != 1) cv.wait(lk);
      turn = 2;
      cv.notify_all();
    });
    lab::Thread b("b", [&] {
      std::unique_lock lk(m);
      while (turn != 2) cv.wait(lk);
    });
    {
      std::unique_lock lk(m);
      turn = 1;
      cv.notify_all();
    }
    a.join();
    b.join();
  };
  for (lab::Strategy s : {lab::Strategy::kExhaustive, lab::Strategy::kDpor}) {
    const lab::ExploreResult r = lab::explore(With(s, true), fixed);
    EXPECT_TRUE(r.ok()) << r.summary;
    EXPECT_TRUE(r.exhausted) << r.summary;
  }
}

// Who is woken, over every schedule of the bounded DFS (bound 1), of a program
// whose waiters block in a fixed order: main holds the object while a, then b, block on it
// (virtual time passes only once each has blocked), then lets one of them go.
std::set<std::string> FirstThrough(void (*let_one_go)(std::vector<std::string>* order)) {
  std::set<std::string> seen;
  lab::Options o = With(lab::Strategy::kExhaustive, false);
  const lab::ExploreResult r = lab::explore(o, [&] {
    std::vector<std::string> order;
    let_one_go(&order);
    if (!order.empty()) seen.insert(order.front());
  });
  EXPECT_TRUE(r.ok()) << r.summary;
  EXPECT_TRUE(r.exhausted) << r.summary;
  return seen;
}

TEST(WakeChoice, AnUnlockHandsTheMutexToEitherBlockedLocker) {
  const std::set<std::string> first = FirstThrough([](std::vector<std::string>* order) {
    lab::Mutex m{"m"}, order_m{"order_m"};
    m.lock();
    auto locker = [&](const char* name) {
      return [&, name] {
        std::lock_guard lk(m);
        std::lock_guard o(order_m);
        order->push_back(name);
      };
    };
    lab::Thread a("a", locker("a"));
    lab::sleep_for(std::chrono::milliseconds(1));  // a blocks on m
    lab::Thread b("b", locker("b"));
    lab::sleep_for(std::chrono::milliseconds(1));  // b blocks on m, behind a
    m.unlock();
    a.join();
    b.join();
  });
  EXPECT_EQ(first, (std::set<std::string>{"a", "b"}));
}

TEST(WakeChoice, ASemaphoreReleaseWakesEitherBlockedAcquirer) {
  const std::set<std::string> first = FirstThrough([](std::vector<std::string>* order) {
    lab::Semaphore s{0, "s"};
    lab::Mutex order_m{"order_m"};
    auto acquirer = [&](const char* name) {
      return [&, name] {
        s.acquire();
        std::lock_guard o(order_m);
        order->push_back(name);
        s.release();
      };
    };
    lab::Thread a("a", acquirer("a"));
    lab::sleep_for(std::chrono::milliseconds(1));
    lab::Thread b("b", acquirer("b"));
    lab::sleep_for(std::chrono::milliseconds(1));
    s.release();
    a.join();
    b.join();
  });
  EXPECT_EQ(first, (std::set<std::string>{"a", "b"}));
}

// release(2) with three blocked acquirers wakes two of them, any two (the third times out).
TEST(WakeChoice, AReleaseOfTwoWakesAnyPairOfThreeWaiters) {
  std::multiset<std::string> pairs;
  auto body = [&] {
    lab::Semaphore s{0, "s"};
    lab::Mutex order_m{"order_m"};
    std::string through;
    auto acquirer = [&](char name) {
      return [&, name] {
        if (!s.try_acquire_for(std::chrono::milliseconds(10))) return;
        std::lock_guard o(order_m);
        through += name;
      };
    };
    lab::Thread a("a", acquirer('a'));
    lab::sleep_for(std::chrono::milliseconds(1));
    lab::Thread b("b", acquirer('b'));
    lab::sleep_for(std::chrono::milliseconds(1));
    lab::Thread c("c", acquirer('c'));
    lab::sleep_for(std::chrono::milliseconds(1));
    s.release(2);
    a.join();
    b.join();
    c.join();
    std::string sorted = through;
    std::sort(sorted.begin(), sorted.end());
    pairs.insert(sorted);
  };
  const lab::ExploreResult r = lab::explore(With(lab::Strategy::kExhaustive, false), body);
  EXPECT_TRUE(r.ok()) << r.summary;
  EXPECT_TRUE(r.exhausted) << r.summary;
  EXPECT_EQ(std::set<std::string>(pairs.begin(), pairs.end()),
            (std::set<std::string>{"ab", "ac", "bc"}));
}

}  // namespace
