// explore_test.cc — the controlled scheduler: determinism, replay, strategies, virtual
// time, the bounded search's schedule count, spurious wake-ups, livelock.
#include <atomic>
#include <cfenv>
#include <chrono>
#include <string>
#include <vector>
#include <xmmintrin.h>

#include "gtest/gtest.h"
#include "lab/explore.h"
#include "lab/report.h"
#include "lab/sync.h"

namespace {

using namespace std::chrono_literals;

bool Has(const lab::ExploreResult& r, lab::FindingKind k) {
  for (const auto& f : r.findings) {
    if (f.kind == k) return true;
  }
  return false;
}

// The bounded buffer of the issue: capacity 1, 2 producers x 2 items, 2 consumers x 2
// items, one Mutex and ONE CondVar with notify_one: a lost wake-up (stall) exists.
void LostWakeupBuffer() {
  lab::Mutex m{"m"};
  lab::CondVar cv{"cv"};
  lab::Shared<int> count{0, "count"};
  auto producer = [&] {
    for (int i = 0; i < 2; ++i) {
      std::unique_lock lk(m);
      while (count.load() == 1) cv.wait(lk);
      count.store(1);
      cv.notify_one();
    }
  };
  auto consumer = [&] {
    for (int i = 0; i < 2; ++i) {
      std::unique_lock lk(m);
      while (count.load() == 0) cv.wait(lk);
      count.store(0);
      cv.notify_one();
    }
  };
  lab::Thread p0("p0", producer), p1("p1", producer), c0("c0", consumer), c1("c1", consumer);
  p0.join();
  p1.join();
  c0.join();
  c1.join();
}

TEST(Explore, EveryStrategyFindsTheLostWakeup) {
  for (lab::Strategy s : {lab::Strategy::kRandom, lab::Strategy::kPct, lab::Strategy::kExhaustive}) {
    lab::Options o;
    o.strategy = s;
    o.schedules = 5000;
    o.spurious_wakeups = false;
    lab::ExploreResult r = lab::explore(o, LostWakeupBuffer);
    EXPECT_TRUE(Has(r, lab::FindingKind::kStall)) << lab::StrategyName(s) << ": " << r.summary;
    EXPECT_FALSE(r.replay_token.empty());
  }
}

TEST(Explore, NotifyAllFixesTheBuffer) {
  lab::Options o;
  o.strategy = lab::Strategy::kExhaustive;
  o.schedules = 200000;
  o.preemption_bound = 1;
  o.spurious_wakeups = false;
  lab::ExploreResult r = lab::explore(o, [] {
    lab::Mutex m{"m"};
    lab::CondVar cv{"cv"};
    lab::Shared<int> count{0, "count"};
    auto producer = [&] {
      std::unique_lock lk(m);
      while (count.load() == 1) cv.wait(lk);
      count.store(1);
      cv.notify_all();
    };
    auto consumer = [&] {
      std::unique_lock lk(m);
      while (count.load() == 0) cv.wait(lk);
      count.store(0);
      cv.notify_all();
    };
    lab::Thread p("p", producer), c("c", consumer);
    p.join();
    c.join();
  });
  EXPECT_TRUE(r.ok()) << r.summary;
  EXPECT_TRUE(r.exhausted) << r.summary;
  EXPECT_NE(r.summary.find("explored, no bug"), std::string::npos);
}

// One token, 100 replays, identical traces and findings.
TEST(Explore, ReplayIsDeterministic) {
  lab::Options o;
  o.strategy = lab::Strategy::kPct;
  o.schedules = 2000;
  lab::ExploreResult first = lab::explore(o, LostWakeupBuffer);
  ASSERT_FALSE(first.ok());
  const std::string text = lab::FormatFindingText(first.findings[0]);
  for (int i = 0; i < 100; ++i) {
    lab::Options r;
    r.replay = first.replay_token;
    lab::ExploreResult again = lab::explore(r, LostWakeupBuffer);
    ASSERT_EQ(again.schedules_run, 1);
    ASSERT_FALSE(again.findings.empty());
    ASSERT_EQ(again.findings[0], first.findings[0]);
    ASSERT_EQ(lab::FormatFindingText(again.findings[0]), text);
  }
}

// A lab thread runs on a fiber stack of the lab's (1 MiB), not on the 8 MiB glibc gives a
// thread: a correct body with a 600 KiB local array (or std::regex's deep recursion) got a
// silent SIGSEGV on the 256 KiB stacks the fibers had.
TEST(Explore, AThreadWithALargeLocalArrayRuns) {
  lab::Options o;
  o.schedules = 20;
  std::atomic<long> sum{0};
  auto result = lab::explore(o, [&] {
    lab::Mutex m{"m"};
    auto body = [&] {
      volatile char big[600 * 1024];
      for (std::size_t i = 0; i < sizeof big; i += 4096) big[i] = static_cast<char>(i >> 12);
      std::lock_guard<lab::Mutex> g(m);
      sum += big[sizeof big - 4096];
    };
    lab::Thread a("a", body), b("b", body);
    a.join();
    b.join();
  });
  EXPECT_TRUE(result.findings.empty()) << lab::FormatFindingText(result.findings[0]);
  EXPECT_EQ(result.schedules_run, 20);
}

// Each lab thread keeps its own floating-point control state across switches, as an OS
// thread does: the rounding mode one sets (the x87 control word and the SSE MXCSR) is not
// seen by the others, nor left behind in the caller's, and is back after every switch.
// (The fiber switch loads the next context's control words only where they differ.)
TEST(Explore, EachThreadKeepsItsOwnRoundingMode) {
  // MXCSR's rounding field (bits 13-14) in fenv's encoding of the mode (x86-64).
  const auto sse_mode = [] { return static_cast<int>(_mm_getcsr() & 0x6000) >> 3; };
  ASSERT_EQ(sse_mode(), std::fegetround());
  const int caller_mode = std::fegetround();
  lab::Options o;
  o.schedules = 50;
  int wrong = 0;
  long steps = 0;
  auto result = lab::explore(o, [&] {
    auto keeps = [&](int mode) {
      return [&, mode] {
        if (mode != FE_TONEAREST) std::fesetround(mode);
        for (int i = 0; i < 6; ++i) {
          lab::yield();  // a scheduling point: another thread may run in between
          ++steps;
          if (std::fegetround() != mode || sse_mode() != mode) ++wrong;
        }
      };
    };
    lab::Thread up("up", keeps(FE_UPWARD)), down("down", keeps(FE_DOWNWARD)),
        near("near", keeps(FE_TONEAREST));
    up.join();
    down.join();
    near.join();
  });
  EXPECT_TRUE(result.findings.empty()) << lab::FormatFindingText(result.findings[0]);
  EXPECT_EQ(steps, 50 * 3 * 6);
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(std::fegetround(), caller_mode);
  EXPECT_EQ(sse_mode(), caller_mode);
}

// A thread starts in its creator's floating-point environment, as C++ says ([cfenv.syn]):
// `before` was made while every thread ran in the caller's (the switch keeps no
// environment of its own until a program sets one, fiber_tls.h), `after` once main had set
// its own. The caller's is back after the run, and a later run starts from it again.
TEST(Explore, AThreadStartsInItsCreatorsRoundingMode) {
  const int caller_mode = std::fegetround();
  ASSERT_NE(caller_mode, FE_UPWARD);
  lab::Options o;
  o.schedules = 40;
  int wrong = 0;
  long checks = 0;
  auto expects = [&](int mode) {
    return [&, mode] {
      for (int i = 0; i < 4; ++i) {
        lab::yield();
        ++checks;
        if (std::fegetround() != mode) ++wrong;
      }
    };
  };
  auto result = lab::explore(o, [&] {
    lab::Thread before("before", expects(caller_mode));
    lab::yield();
    std::fesetround(FE_UPWARD);
    lab::Thread after("after", expects(FE_UPWARD));
    lab::yield();
    if (std::fegetround() != FE_UPWARD) ++wrong;
    before.join();
    after.join();
    std::fesetround(caller_mode);
  });
  EXPECT_TRUE(result.findings.empty()) << lab::FormatFindingText(result.findings[0]);
  EXPECT_EQ(checks, 40 * 2 * 4);
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(std::fegetround(), caller_mode);
  // A run that sets nothing: every thread in the caller's mode.
  o.schedules = 10;
  checks = 0;
  result = lab::explore(o, [&] {
    lab::Thread a("a", expects(caller_mode)), b("b", expects(caller_mode));
    a.join();
    b.join();
  });
  EXPECT_EQ(checks, 10 * 2 * 4);
  EXPECT_EQ(wrong, 0);
}

TEST(Explore, SameSeedSameSchedules) {
  lab::Options o;
  o.schedules = 300;
  auto a = lab::explore(o, LostWakeupBuffer);
  auto b = lab::explore(o, LostWakeupBuffer);
  EXPECT_EQ(a.schedules_run, b.schedules_run);
  EXPECT_EQ(a.replay_token, b.replay_token);
  EXPECT_EQ(a.findings, b.findings);
}

// Two threads of one Atomic store each, main joins both. Counted by hand: main has 4
// scheduling points (spawn a, spawn b, join a, join b) and each thread 1 (its store).
// With no preemption bound hit (bound 10), DFS explores every interleaving that differs
// at a choice point; the count must be stable and equal the closed form below.
TEST(Explore, ExhaustiveCountsSchedulesOfATinyProgram) {
  lab::Options o;
  o.strategy = lab::Strategy::kExhaustive;
  o.schedules = 100000;
  o.preemption_bound = 0;
  o.spurious_wakeups = false;
  // With no preemptions, a thread runs until it blocks or ends. main: spawn a, spawn b,
  // join a (blocks unless a is done) ... The only choices are after a thread ends or
  // blocks: which runnable thread goes next.
  int bodies = 0;
  auto r = lab::explore(o, [&] {
    ++bodies;
    lab::Atomic<int> x{0, "x"};
    lab::Thread a("a", [&] { x.store(1); });
    lab::Thread b("b", [&] { x.store(2); });
    a.join();
    b.join();
  });
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.exhausted);
  // main runs spawn a, spawn b, join a → blocks; then a or b (2 choices); if b first, b
  // ends, a must run; if a first, a ends → main or b (2 choices); ... hand count: 3.
  EXPECT_EQ(r.schedules_run, 3);
  EXPECT_EQ(bodies, 3);
}

// The scheduler keeps the runnable set as a 64-bit mask and scans the threads beyond it:
// a run with more threads than that still runs every thread, finds the same bugs, and
// replays.
TEST(Explore, MoreThreadsThanTheRunnableMask) {
  static constexpr int kThreads = 70;
  auto body = [](bool locked) {
    return [locked] {
      lab::Mutex m{"m"};
      lab::Shared<int> n{0, "n"};
      std::vector<lab::Thread> ts;
      for (int i = 0; i < kThreads; ++i) {
        ts.emplace_back("t" + std::to_string(i), [&, locked] {
          if (locked) {
            std::lock_guard g(m);
            n += 1;
          } else {
            n += 1;
          }
        });
      }
      for (auto& t : ts) t.join();
      if (locked) {
        EXPECT_EQ(n.load(), kThreads);
      }
    };
  };
  lab::Options o;
  o.schedules = 20;
  o.stop_on_failure = true;
  auto ok = lab::explore(o, body(true));
  EXPECT_TRUE(ok.ok()) << ok.summary;
  EXPECT_EQ(ok.last.threads, kThreads + 1);
  auto racy = lab::explore(o, body(false));
  ASSERT_TRUE(Has(racy, lab::FindingKind::kDataRace));
  lab::Options replay = o;
  replay.replay = racy.replay_token;
  auto again = lab::explore(replay, body(false));
  EXPECT_EQ(again.findings, racy.findings);
}

TEST(Explore, VirtualTimeIsExact) {
  lab::Options o;
  o.schedules = 50;
  auto r = lab::explore(o, [] {
    std::vector<lab::Thread> ts;
    for (int i = 0; i < 5; ++i) {
      ts.emplace_back("sleeper-" + std::to_string(i), [] { lab::sleep_for(100ms); });
    }
    for (auto& t : ts) t.join();
  });
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.worst.duration, 100ms);
  EXPECT_EQ(r.last.duration, 100ms);
  EXPECT_EQ(r.last.work, 500ms);
  EXPECT_EQ(r.last.span, 100ms);
}

TEST(Explore, LockHeldAcrossSleepSerialises) {
  lab::Options o;
  o.schedules = 20;
  auto r = lab::explore(o, [] {
    lab::Mutex m{"m"};
    std::vector<lab::Thread> ts;
    for (int i = 0; i < 4; ++i) {
      ts.emplace_back("t" + std::to_string(i), [&] {
        std::lock_guard lk(m);
        lab::sleep_for(10ms);
      });
    }
    for (auto& t : ts) t.join();
  });
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.last.duration, 40ms);
  EXPECT_EQ(r.last.span, 40ms);  // every hand-off carries the holder's clock
  EXPECT_EQ(r.last.work, 40ms);
}

TEST(Explore, SpuriousWakeupsExposeIfInsteadOfWhile) {
  auto body = [] {
    lab::Mutex m{"m"};
    lab::CondVar cv{"cv"};
    lab::Shared<bool> ready{false, "ready"};
    lab::Shared<int> got{0, "got"};
    lab::Thread waiter("waiter", [&] {
      std::unique_lock lk(m);
      if (!ready.load()) cv.wait(lk);  // the bug: `if` where `while` belongs
      if (!ready.load()) lab::report(lab::FindingKind::kWrongOutput, "woke before ready");
      got.store(1);
    });
    lab::Thread setter("setter", [&] {
      lab::sleep_for(1ms);
      std::lock_guard lk(m);
      ready.store(true);
      cv.notify_one();
    });
    waiter.join();
    setter.join();
  };
  lab::Options with;
  with.schedules = 500;
  EXPECT_TRUE(Has(lab::explore(with, body), lab::FindingKind::kWrongOutput));
  lab::Options without = with;
  without.spurious_wakeups = false;
  EXPECT_TRUE(lab::explore(without, body).ok());
}

TEST(Explore, StepBudgetIsLivelock) {
  lab::Options o;
  o.schedules = 5;
  o.step_budget = 1000;
  auto r = lab::explore(o, [] {
    lab::Atomic<bool> flag{false, "flag"};
    lab::Thread spinner("spinner", [&] {
      while (!flag.load()) lab::yield();
    });
    spinner.join();
  });
  EXPECT_TRUE(Has(r, lab::FindingKind::kLivelock)) << r.summary;
}

// Fair spinning: a busy-wait that the others would end is no livelock, whatever the
// strategy prefers, also with two spinners that could pass the turn back and forth and
// starve the thread they wait for, and with a thread that polls while the other sleeps.
TEST(Explore, ASpinThatWouldEndIsNoLivelockUnderEveryStrategy) {
  auto body = [] {
    lab::Atomic<int> turn{0, "turn"};
    lab::Thread a("a", [&] {
      while (turn.load() != 1) lab::yield();
      turn.store(2);
    });
    lab::Thread b("b", [&] {
      while (turn.load() != 2) {
      }  // no yield at all: a load, again and again
    });
    lab::Thread c("c", [&] {
      lab::sleep_for(5ms);
      turn.store(1);
    });
    a.join();
    b.join();
    c.join();
  };
  for (lab::Strategy s : {lab::Strategy::kRandom, lab::Strategy::kPct, lab::Strategy::kRoundRobin,
                          lab::Strategy::kExhaustive, lab::Strategy::kDpor}) {
    lab::Options o;
    o.strategy = s;
    o.schedules = 40;
    o.step_budget = 5000;
    auto r = lab::explore(o, body);
    EXPECT_TRUE(r.ok()) << lab::StrategyName(s) << ": " << r.summary;
  }
}

// The LeetCode spin with a lock: `while (true) { lock; if (my turn) break; unlock; yield; }`
// repeats four polling operations (lock, read, unlock, yield), not one or a pair; it is a
// busy-wait too, and the thread it waits for gets to run (foobar, h2o and print_in_order
// answers written so scored 0/10 as a livelock).
TEST(Explore, ASpinThatLocksReadsAndUnlocksIsNoLivelock) {
  auto body = [] {
    lab::Mutex m{"m"};
    lab::Shared<int> stage{0, "stage"};
    auto wait_for_stage = [&](int want) {
      while (true) {
        m.lock();
        if (stage.load() == want) break;
        m.unlock();
        lab::yield();
      }
      stage.store(want + 1);
      m.unlock();
    };
    lab::Thread third("third", [&] { wait_for_stage(2); });
    lab::Thread second("second", [&] { wait_for_stage(1); });
    lab::Thread first("first", [&] { wait_for_stage(0); });
    third.join();
    second.join();
    first.join();
  };
  for (lab::Strategy s : {lab::Strategy::kRandom, lab::Strategy::kPct, lab::Strategy::kRoundRobin}) {
    lab::Options o;
    o.strategy = s;
    o.schedules = 40;
    o.step_budget = 5000;
    auto r = lab::explore(o, body);
    EXPECT_TRUE(r.ok()) << lab::StrategyName(s) << ": " << r.summary;
  }
}

// A polling loop of several operations on different objects is busy-waiting too: a flag
// checked under a mutex (lock, read, unlock, yield: std:: answers write it `while (true)
// { lock_guard g(m); if (h < 2) ...; } yield();`), and try-and-back-off on two forks
// (lock, try_lock, unlock, yield). Two such pollers and the thread they wait for: no
// livelock whatever the strategy prefers (PCT kept a poller of higher priority running).
TEST(Explore, AMultiStepPollingLoopIsScheduledFairly) {
  auto body = [] {
    lab::Mutex m{"m"};
    lab::Mutex fork{"fork"};
    lab::Shared<int> ready{0, "ready"};
    lab::Thread poller("poller", [&] {
      while (true) {
        {
          std::lock_guard g(m);
          if (ready.load() == 1) break;
        }
        lab::yield();
      }
    });
    lab::Thread backoff("backoff", [&] {
      while (true) {
        m.lock();
        if (fork.try_lock()) break;
        m.unlock();
        lab::yield();
      }
      fork.unlock();
      m.unlock();
    });
    lab::Thread setter("setter", [&] {
      fork.lock();
      lab::sleep_for(1ms);
      {
        std::lock_guard g(m);
        ready.store(1);
      }
      fork.unlock();
    });
    poller.join();
    backoff.join();
    setter.join();
  };
  for (lab::Strategy s : {lab::Strategy::kRandom, lab::Strategy::kPct, lab::Strategy::kRoundRobin}) {
    lab::Options o;
    o.strategy = s;
    o.schedules = 60;
    o.step_budget = 5000;
    auto r = lab::explore(o, body);
    EXPECT_TRUE(r.ok()) << lab::StrategyName(s) << ": " << r.summary;
  }
}

// Two threads take turns through one mutex with try_lock_for and a yield (lock, check,
// unlock, yield): both are polling, and whenever one is blocked in try_lock_for the other
// holds the mutex. Virtual time must not jump to the blocked one's deadline while the
// holder is a spinner that unlocks in its loop: it is about to hand the mutex over (a
// jump timed every attempt out, and the two alternated for ever: livelock).
TEST(Explore, ATimedLockWaiterIsNotTimedOutByASpinnerAboutToUnlock) {
  auto body = [] {
    lab::Mutex m{"m"};
    lab::Shared<int> turns{0, "turns"};
    bool foo_turn = true;  // plain, under m: no operation of its own (as in std:: code)
    auto take_turns = [&](bool mine) {
      for (int i = 0; i < 3; ++i) {
        while (true) {
          if (m.try_lock_for(1ms)) {
            const bool go = foo_turn == mine;
            if (go) {
              foo_turn = !mine;
              turns.store(turns.load() + 1);
            }
            m.unlock();
            if (go) break;
          }
          lab::yield();
        }
      }
    };
    lab::Thread foo("foo", [&] { take_turns(true); });
    lab::Thread bar("bar", [&] { take_turns(false); });
    foo.join();
    bar.join();
  };
  for (lab::Strategy s : {lab::Strategy::kRandom, lab::Strategy::kPct, lab::Strategy::kRoundRobin}) {
    lab::Options o;
    o.strategy = s;
    o.schedules = 60;
    o.step_budget = 5000;
    auto r = lab::explore(o, body);
    EXPECT_TRUE(r.ok()) << lab::StrategyName(s) << ": " << r.summary;
  }
}

// A spinner beside a thread that waits with a deadline: foo polls its semaphore with
// try_acquire and yield, bar waits for its own with a 1 ms timeout in a loop. When bar has
// released foo's permit and waits again, virtual time must not jump to bar's deadline
// before foo has polled once more: foo's poll now succeeds. (It jumped, every time: bar
// timed out for ever while foo, a spinner, never ran: `livelock` on a correct program.)
TEST(Explore, ASpinnerPollsAgainBeforeTimeJumpsToATimedWaiter) {
  auto body = [] {
    lab::Semaphore foo_sem{1, "foo_sem"};
    lab::Semaphore bar_sem{0, "bar_sem"};
    lab::Thread foo("foo", [&] {
      for (int i = 0; i < 3; ++i) {
        while (!foo_sem.try_acquire()) lab::yield();
        bar_sem.release();
      }
    });
    lab::Thread bar("bar", [&] {
      for (int i = 0; i < 3; ++i) {
        while (!bar_sem.try_acquire_for(1ms)) {
        }
        foo_sem.release();
      }
    });
    foo.join();
    bar.join();
  };
  for (lab::Strategy s : {lab::Strategy::kRandom, lab::Strategy::kPct, lab::Strategy::kRoundRobin,
                          lab::Strategy::kExhaustive}) {
    lab::Options o;
    o.strategy = s;
    o.schedules = 40;
    o.step_budget = 5000;
    auto r = lab::explore(o, body);
    EXPECT_TRUE(r.ok()) << lab::StrategyName(s) << ": " << r.summary;
  }
}

// A poll of a lock's state: lock, look, unlock, yield, again and again until another thread
// (here one that sleeps first) changes it, the way a bounded queue's enqueue is written
// without a condition variable. A loop of three operations (the look is a plain memory
// read, no operation) or four (a lab::Shared read) is a spin as well as a loop of one or
// two: no livelock.
TEST(Explore, APollUnderALockIsNoLivelock) {
  auto body = [] {
    lab::Mutex m{"m"};
    lab::Shared<int> items{0, "items"};
    std::atomic<int> plain{0};  // read as plain memory is: no operation of its own
    lab::Thread four("four", [&] {
      while (true) {
        m.lock();
        const bool ready = items.load() > 0;
        m.unlock();
        if (ready) break;
        lab::yield();
      }
    });
    lab::Thread three("three", [&] {
      while (true) {
        m.lock();
        const bool ready = plain.load() > 0;
        m.unlock();
        if (ready) break;
        lab::yield();
      }
    });
    lab::Thread producer("producer", [&] {
      lab::sleep_for(5ms);
      m.lock();
      items.store(1);
      plain.store(1);
      m.unlock();
    });
    four.join();
    three.join();
    producer.join();
  };
  for (lab::Strategy s : {lab::Strategy::kRandom, lab::Strategy::kPct, lab::Strategy::kRoundRobin}) {
    lab::Options o;
    o.strategy = s;
    o.schedules = 20;
    o.step_budget = 5000;
    auto r = lab::explore(o, body);
    EXPECT_TRUE(r.ok()) << lab::StrategyName(s) << ": " << r.summary;
  }
}

// Workers that poll a shared queue (lock, look, unlock, yield) while a fetch sleeps, as a
// web crawler is written without a condition variable: the seed's fetch queues two more
// items, and both workers must then fetch in parallel (30 ms in all, not 45). A change
// owes each spinner one poll before virtual time jumps; one step was taken as that poll,
// and when the step was the unlock or the yield after the look, time jumped to the end of
// the other fetch first (a correct yield-polling web_crawler took 135 ms for 45).
TEST(Explore, AnOwedSpinnerRunsItsWholeLoopBeforeTimeJumps) {
  std::atomic<std::int64_t> worst{0};
  auto body = [&worst] {
    lab::Mutex m{"m"};
    lab::Shared<int> queued{1, "queued"};  // items waiting to be fetched
    lab::Shared<int> left{3, "left"};      // items not fetched yet: the seed and its two links
    auto worker = [&] {
      while (true) {
        m.lock();
        if (left.load() == 0) {
          m.unlock();
          return;
        }
        const bool got = queued.load() > 0;
        if (got) queued.store(queued.load() - 1);
        m.unlock();
        if (!got) {
          lab::yield();
          continue;
        }
        lab::sleep_for(15ms);  // the fetch
        m.lock();
        left.store(left.load() - 1);
        if (left.load() == 2) queued.store(queued.load() + 2);  // the seed's links
        m.unlock();
      }
    };
    lab::Thread a("a", worker);
    lab::Thread b("b", worker);
    a.join();
    b.join();
    const std::int64_t took = lab::now().count();
    std::int64_t w = worst.load();
    while (took > w && !worst.compare_exchange_weak(w, took)) {
    }
  };
  for (lab::Strategy s : {lab::Strategy::kRandom, lab::Strategy::kPct, lab::Strategy::kRoundRobin}) {
    worst = 0;
    lab::Options o;
    o.strategy = s;
    o.schedules = 20;
    o.step_budget = 5000;
    auto r = lab::explore(o, body);
    EXPECT_TRUE(r.ok()) << lab::StrategyName(s) << ": " << r.summary;
    EXPECT_EQ(worst.load(), std::chrono::nanoseconds(30ms).count()) << lab::StrategyName(s);
  }
}

// A poller becomes a spinner at its 101st poll in a row (kPollsBeforeYield repeats): the
// first polls are only logged, and the busy-wait window is replayed from the log at that
// poll (runtime.h, ThreadState::poll_log). Virtual time jumps to the sleeper only once the
// reader spins, so the reader loads 101 times (102 when the sleeper falls asleep after the
// reader began to spin: it is owed one more poll), never 201 (a window that missed the
// logged polls) nor fewer (a logged poll taken for a spin).
TEST(Explore, APollerBecomesASpinnerAtItsHundredAndFirstPoll) {
  std::atomic<int> most{0};
  std::atomic<int> least{1 << 30};
  auto body = [&] {
    lab::Atomic<int> flag{0, "flag"};
    lab::Thread setter("setter", [&] {
      lab::sleep_for(1ms);
      flag.store(1);
    });
    lab::Thread reader("reader", [&] {
      int loads = 1;
      while (flag.load() == 0) ++loads;
      if (loads > most.load()) most = loads;
      if (loads < least.load()) least = loads;
    });
    setter.join();
    reader.join();
  };
  lab::Options o;
  o.schedules = 50;
  auto r = lab::explore(o, body);
  EXPECT_TRUE(r.ok()) << r.summary;
  EXPECT_EQ(least.load(), 101);
  EXPECT_LE(most.load(), 102);
}

// The same program scheduled unfairly (a spec whose contract forbids polling): a spinner
// may keep the CPU: without preemptions, once the spinner runs it runs for ever.
TEST(Explore, WithoutFairSpinningASpinnerStarvesTheOthers) {
  lab::Options o;
  o.strategy = lab::Strategy::kRoundRobin;
  o.schedules = 1;
  o.step_budget = 2000;
  o.fair_spinning = false;
  auto r = lab::explore(o, [] {
    lab::Atomic<bool> flag{false, "flag"};
    lab::Thread spinner("spinner", [&] {
      while (!flag.load()) lab::yield();
    });
    lab::Thread setter("setter", [&] { flag.store(true); });
    spinner.join();
    setter.join();
  });
  EXPECT_TRUE(Has(r, lab::FindingKind::kLivelock)) << r.summary;
}

// DPOR explores unfair schedules: a run that spends the step budget there is no finding,
// and the search then claims nothing; the other strategies still call it a livelock.
TEST(Explore, DporMeetsALivelockWithoutAFindingOrAProof) {
  auto body = [] {
    lab::Atomic<bool> flag{false, "flag"};
    lab::Thread spinner("spinner", [&] {
      while (!flag.load()) lab::yield();  // nothing ever sets it
    });
    spinner.join();
  };
  lab::Options o;
  o.strategy = lab::Strategy::kDpor;
  o.schedules = 10;
  o.step_budget = 1000;
  auto r = lab::explore(o, body);
  EXPECT_TRUE(r.findings.empty()) << r.summary;
  EXPECT_FALSE(r.exhausted) << r.summary;
  o.strategy = lab::Strategy::kPct;
  EXPECT_TRUE(Has(lab::explore(o, body), lab::FindingKind::kLivelock));
}

// A search past its time budget starts no new schedule and claims nothing.
TEST(Explore, TimeBudgetStopsASystematicSearchWithoutAClaim) {
  lab::Options o;
  o.strategy = lab::Strategy::kExhaustive;
  o.preemption_bound = 1000;
  o.schedules = 1'000'000;
  o.time_budget = std::chrono::milliseconds(50);
  auto r = lab::explore(o, [] {
    lab::Mutex m{"m"};
    std::vector<lab::Thread> ts;
    for (int i = 0; i < 4; ++i) {
      ts.emplace_back("t" + std::to_string(i), [&] {
        for (int k = 0; k < 4; ++k) std::lock_guard g(m);
      });
    }
    for (auto& t : ts) t.join();
  });
  EXPECT_TRUE(r.ok()) << r.summary;
  EXPECT_FALSE(r.exhausted) << r.summary;
  EXPECT_GT(r.schedules_run, 0);
  EXPECT_LT(r.schedules_run, 1'000'000);
}

// The budget may run out at an unlock made by a lock guard's destructor: the run must end
// without throwing through that (noexcept) destructor, which would end the process.
TEST(Explore, StepBudgetRunningOutInADestructorIsLivelock) {
  for (std::int64_t budget = 100; budget < 104; ++budget) {
    lab::Options o;
    o.schedules = 3;
    o.step_budget = budget;
    auto r = lab::explore(o, [] {
      lab::Mutex m{"m"};
      lab::Thread spinner("spinner", [&] {
        for (;;) {
          std::lock_guard g(m);  // lock, then unlock in the destructor: every other step
        }
      });
      spinner.join();
    });
    EXPECT_TRUE(Has(r, lab::FindingKind::kLivelock)) << budget << ": " << r.summary;
  }
}

TEST(Explore, DeadlockIsFoundAtOnceWithTheCycle) {
  lab::Options o;
  o.strategy = lab::Strategy::kExhaustive;
  o.schedules = 10000;
  auto r = lab::explore(o, [] {
    lab::Mutex a{"a"}, b{"b"};
    lab::Thread t1("t1", [&] {
      std::lock_guard x(a);
      std::lock_guard y(b);
    });
    lab::Thread t2("t2", [&] {
      std::lock_guard x(b);
      std::lock_guard y(a);
    });
    t1.join();
    t2.join();
  });
  ASSERT_TRUE(Has(r, lab::FindingKind::kLockOrderInversion));
  lab::Options o2 = o;
  o2.stop_on_failure = false;
  auto all = lab::explore(o2, [] {
    lab::Mutex a{"a"}, b{"b"};
    lab::Thread t1("t1", [&] {
      std::lock_guard x(a);
      std::lock_guard y(b);
    });
    lab::Thread t2("t2", [&] {
      std::lock_guard x(b);
      std::lock_guard y(a);
    });
    t1.join();
    t2.join();
  });
  bool found = false;
  for (const auto& f : all.findings) {
    if (f.kind != lab::FindingKind::kDeadlock) continue;
    found = true;
    EXPECT_EQ(f.threads.size(), 2u);
    EXPECT_TRUE(f.trace.has_value());
    EXPECT_FALSE(f.replay.empty());
  }
  EXPECT_TRUE(found);
}

TEST(Explore, BadReplayTokenIsAClearError) {
  lab::Options o;
  o.replay = "v1.nonsense";
  auto r = lab::explore(o, [] {});
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_NE(r.findings[0].message.find("bad replay token"), std::string::npos);
}

// A condition-variable waiter that is woken takes its lock back before it goes on: the
// interleaving shows that as a row of its own ("woke, relocks m"), which is no scheduling
// point, so the schedules and their tokens do not change.
TEST(Explore, TheWakeUpAndRelockOfACondVarWaiterIsARow) {
  const auto body = [] {
    lab::Mutex m{"m"};
    lab::CondVar cv{"cv"};
    bool ready = false;
    lab::Thread waiter("waiter", [&] {
      std::unique_lock<lab::Mutex> lk(m);
      while (!ready) cv.wait(lk);
      lab::report(lab::FindingKind::kWrongOutput, "marker: the waiter holds m again", {"m"});
    });
    lab::Thread notifier("notifier", [&] {
      std::lock_guard<lab::Mutex> lk(m);
      ready = true;
      cv.notify_one();
    });
    waiter.join();
    notifier.join();
  };
  lab::Options o;
  o.strategy = lab::Strategy::kRoundRobin;  // the waiter waits first, then is woken
  o.schedules = 1;
  const lab::ExploreResult r = lab::explore(o, body);
  ASSERT_EQ(r.findings.size(), 1u) << r.summary;
  ASSERT_TRUE(r.findings[0].trace.has_value());
  const lab::Trace& tr = *r.findings[0].trace;
  int waits = 0, relocks = 0;
  for (const lab::TraceEvent& e : tr.events) {
    if (tr.threads[static_cast<std::size_t>(e.thread)] != "waiter") continue;
    if (e.op == "wait") ++waits;
    if (e.op == "woke, relocks" && e.object == "m") ++relocks;
  }
  EXPECT_EQ(waits, 1);
  EXPECT_EQ(relocks, 1);
  // The replay token reproduces the same schedule and the same rows.
  lab::Options replay;
  replay.replay = r.replay_token;
  const lab::ExploreResult again = lab::explore(replay, body);
  ASSERT_EQ(again.findings.size(), 1u) << again.summary;
  EXPECT_EQ(again.findings[0].trace, r.findings[0].trace);
}

// A timed lock that gives up is a row of its own, at the virtual time it gave up
// ("woke m", note "timed out"): an answer that ignores try_lock_for's result reads the
// shared value next, and that racing read was drawn right after its "blocked" row, at the
// time the wait began, as if it had read under the lock.
TEST(Explore, ATimedLockThatGivesUpIsARowAtItsTime) {
  const auto body = [] {
    lab::Mutex m{"m"};
    lab::Thread holder("holder", [&] {
      m.lock();
      lab::sleep_for(100ms);
      m.unlock();
    });
    lab::Thread impatient("impatient", [&] {
      if (!m.try_lock_for(50ms)) {
        lab::report(lab::FindingKind::kWrongOutput, "marker: gave up", {"m"});
        return;
      }
      m.unlock();
    });
    holder.join();
    impatient.join();
  };
  lab::Options o;
  o.strategy = lab::Strategy::kRoundRobin;  // the holder locks first
  o.schedules = 1;
  const lab::ExploreResult r = lab::explore(o, body);
  ASSERT_EQ(r.findings.size(), 1u) << r.summary;
  ASSERT_TRUE(r.findings[0].trace.has_value());
  const lab::Trace& tr = *r.findings[0].trace;
  int gave_up = 0;
  for (const lab::TraceEvent& e : tr.events) {
    if (tr.threads[static_cast<std::size_t>(e.thread)] != "impatient") continue;
    if (e.op == "woke" && e.object == "m" && e.note == "timed out") {
      ++gave_up;
      EXPECT_EQ(e.vtime_ns, std::chrono::nanoseconds(50ms).count());
    }
  }
  EXPECT_EQ(gave_up, 1);
}

}  // namespace

// A step is recorded at its scheduling point, before it runs; after a preemption there it
// runs only when its thread is next scheduled, and the trace draws it there. Checked on
// many schedules of two threads that lock and unlock one mutex twice: read top-down, the
// rows never show a thread blocking on a free mutex, nor a lock taken while another thread
// holds it (a thread blocked on m takes it at its next row, a "woke m" where the trace adds
// one). Before, the preempted thread's "unlock m" was drawn above the other's "lock m /
// blocked m".
TEST(ExploreTrace, PreemptedStepsAreDrawnWhereTheyRan) {
  auto body = [] {
    lab::Mutex m{"m"};
    auto twice = [&] {
      for (int i = 0; i < 2; ++i) {
        m.lock();
        m.unlock();
      }
    };
    lab::Thread a("a", twice), b("b", twice);
    a.join();
    b.join();
    lab::report(lab::FindingKind::kWrongOutput, "always, for the trace");
  };
  int with_preemption = 0;
  for (std::uint64_t seed = 1; seed <= 120; ++seed) {
    lab::Options o;
    o.seed = seed;
    o.schedules = 1;
    o.shrink_runs = 0;
    const lab::ExploreResult r = lab::explore(o, body);
    ASSERT_FALSE(r.findings.empty());
    ASSERT_TRUE(r.findings[0].trace.has_value());
    const lab::Trace& t = *r.findings[0].trace;
    bool preempted = false;
    int owner = -1;  // the thread holding m, as the rows tell it
    std::vector<bool> blocked(t.threads.size(), false);  // blocked on m, not run since
    for (std::size_t i = 0; i < t.events.size(); ++i) {
      const lab::TraceEvent& e = t.events[i];
      preempted |= e.preempted;
      if (e.thread < 0 || static_cast<std::size_t>(e.thread) >= blocked.size()) continue;
      if (blocked[e.thread] && e.op != "blocked") {
        // Its first row since the block ("woke m", or what it did next): it took m.
        blocked[e.thread] = false;
        ASSERT_EQ(owner, -1) << "seed " << seed << ", row " << i + 1 << ": woke to a held m";
        owner = e.thread;
        if (e.op == "woke") continue;
      }
      if (e.object != "m") continue;
      const bool blocks = i + 1 < t.events.size() && t.events[i + 1].thread == e.thread &&
                          t.events[i + 1].op == "blocked";
      if (e.op == "lock" && !blocks) {
        ASSERT_EQ(owner, -1) << "seed " << seed << ", row " << i + 1 << ": taken while held";
        owner = e.thread;
      } else if (e.op == "blocked") {
        ASSERT_NE(owner, -1) << "seed " << seed << ", row " << i + 1 << ": blocked on a free m";
        blocked[e.thread] = true;
      } else if (e.op == "unlock") {
        ASSERT_EQ(owner, e.thread) << "seed " << seed << ", row " << i + 1;
        owner = -1;
      }
    }
    with_preemption += preempted ? 1 : 0;
  }
  EXPECT_GE(with_preemption, 10);  // the schedules checked include preempted ones
}
