// dpor_wait_test.cc — DPOR and blocking (issue #8 item 4): its "all N inequivalent
// schedules explored, no bug" is a proof, so every lost wake-up the unbounded DFS finds
// through a lab primitive's wait (CondVar, Semaphore, Event, Barrier, join), DPOR finds, and
// on the correct version of each program both say no bug.
//
// Each buggy program loses its wake-up in some interleavings only: a notify before the
// wait, a release or a barrier arrival decided by a racy check, a set undone by a clear
// before the waiter looked. The std:: dialect's futex waits are tested in
// tests/stdcxx/sync_test.cc (DporFindsTheLostWakeUps).
#include <functional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lab/explore.h"
#include "lab/report.h"
#include "lab/sync.h"

namespace {

lab::Options Search(lab::Strategy strategy) {
  lab::Options o;
  o.strategy = strategy;
  o.schedules = 200000;
  o.preemption_bound = 1000;  // the DFS: every interleaving (these programs are small)
  o.spurious_wakeups = false;
  return o;
}

struct Program {
  const char* name;
  std::function<void()> body;
  bool buggy;
};

// A waiter that does not check a predicate: the notify may come first.
void CondVarWait(bool with_predicate) {
  lab::Mutex m{"m"};
  lab::CondVar cv{"cv"};
  lab::Shared<bool> ready{false, "ready"};
  lab::Thread waiter("waiter", [&] {
    std::unique_lock lk(m);
    if (with_predicate) {
      while (!ready.load()) cv.wait(lk);
    } else {
      cv.wait(lk);
    }
  });
  lab::Thread notifier("notifier", [&] {
    std::unique_lock lk(m);
    ready.store(true);
    cv.notify_one();
  });
  waiter.join();
  notifier.join();
}

// The release depends on whether `flag` was stored yet (buggy) or not at all (correct).
void SemaphoreRelease(bool racy) {
  lab::Semaphore s{0, "s"};
  lab::Atomic<int> flag{0, "flag"};
  lab::Thread setter("setter", [&] { flag.store(1); });
  lab::Thread releaser("releaser", [&] {
    if (!racy || flag.load() == 1) s.release();
  });
  s.acquire();
  setter.join();
  releaser.join();
}

// An event set and cleared again: a waiter that comes after the clear never wakes.
void EventSetClear(bool clear) {
  lab::Event e{"e"};
  lab::Thread waiter("waiter", [&] { e.wait(); });
  lab::Thread setter("setter", [&] {
    e.set();
    if (clear) e.clear();
  });
  waiter.join();
  setter.join();
}

// A barrier of two whose second party arrives only if it saw `flag` (buggy).
void BarrierArrival(bool racy) {
  lab::Barrier b{2, "b"};
  lab::Atomic<int> flag{0, "flag"};
  lab::Thread first("first", [&] { b.wait(); });
  lab::Thread second("second", [&] {
    if (!racy || flag.load() == 1) b.wait();
  });
  lab::Thread setter("setter", [&] { flag.store(1); });
  first.join();
  second.join();
  setter.join();
}

// main joins a thread that waits for what main does only after the join, when a racy
// check sent it to wait (buggy).
void JoinBeforeRelease(bool racy) {
  lab::Semaphore s{0, "s"};
  lab::Atomic<int> flag{0, "flag"};
  lab::Thread setter("setter", [&] { flag.store(1); });
  lab::Thread waiter("waiter", [&] {
    if (racy && flag.load() == 0) s.acquire();
  });
  waiter.join();
  s.release();
  setter.join();
}

std::vector<Program> Programs() {
  std::vector<Program> ps;
  for (bool buggy : {true, false}) {
    ps.push_back({"condvar wait", [buggy] { CondVarWait(!buggy); }, buggy});
    ps.push_back({"semaphore release", [buggy] { SemaphoreRelease(buggy); }, buggy});
    ps.push_back({"event set and clear", [buggy] { EventSetClear(buggy); }, buggy});
    ps.push_back({"barrier arrival", [buggy] { BarrierArrival(buggy); }, buggy});
    ps.push_back({"join before release", [buggy] { JoinBeforeRelease(buggy); }, buggy});
  }
  return ps;
}

TEST(DporWait, FindsEveryLostWakeUpTheDfsFinds) {
  for (const Program& p : Programs()) {
    SCOPED_TRACE(std::string(p.name) + (p.buggy ? " (buggy)" : " (correct)"));
    const lab::ExploreResult dfs = lab::explore(Search(lab::Strategy::kExhaustive), p.body);
    const lab::ExploreResult dpor = lab::explore(Search(lab::Strategy::kDpor), p.body);
    // The DFS's verdict is the truth here: it ran every interleaving (or found the bug).
    ASSERT_TRUE(!dfs.ok() || dfs.exhausted) << dfs.summary;
    EXPECT_EQ(dfs.ok(), !p.buggy) << dfs.summary;
    EXPECT_EQ(dpor.ok(), dfs.ok()) << dpor.summary << " / " << dfs.summary;
    if (!dpor.ok() && !dfs.ok()) {
      EXPECT_EQ(dpor.findings.front().kind, dfs.findings.front().kind)
          << dpor.summary << " / " << dfs.summary;
    }
    if (dpor.ok()) {
      EXPECT_TRUE(dpor.exhausted) << dpor.summary;
      EXPECT_LE(dpor.schedules_run - dpor.redundant_schedules, dfs.schedules_run);
    }
    std::printf("%-22s %-8s dpor: %s | dfs: %d schedules, %s\n", p.name,
                p.buggy ? "buggy" : "correct", dpor.summary.c_str(), dfs.schedules_run,
                dfs.ok() ? "no bug" : std::string(dfs.findings.front().id()).c_str());
  }
}

}  // namespace
