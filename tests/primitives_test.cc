// primitives_test.cc — the primitives' semantics and the regressions found by puzzle
// authors: readers-writer ordering, names in lock-order reports, Shared assignment,
// misuse that must not crash, sites through std guards.
#include <chrono>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "gtest/gtest.h"
#include "lab/explore.h"
#include "lab/sync.h"

namespace {

using namespace std::chrono_literals;

std::vector<lab::Finding> Explore(std::function<void()> body, lab::Strategy s = lab::Strategy::kRandom,
                                  int schedules = 200) {
  lab::Options o;
  o.strategy = s;
  o.schedules = schedules;
  o.stop_on_failure = false;
  return lab::explore(o, std::move(body)).findings;
}

int Count(const std::vector<lab::Finding>& fs, lab::FindingKind k) {
  int n = 0;
  for (const auto& f : fs) n += f.kind == k;
  return n;
}

TEST(Primitives, SharedMutexReadersAreNotOrderedAmongThemselves) {
  // Two readers writing one Shared under lock_shared race, even when their sections do
  // not overlap (round-robin runs them one after the other).
  auto fs = Explore(
      [] {
        lab::SharedMutex m{"m"};
        lab::Shared<int> x{0, "x"};
        lab::Thread r1("r1", [&] {
          std::shared_lock lk(m);
          x.store(1);
        });
        lab::Thread r2("r2", [&] {
          std::shared_lock lk(m);
          x.store(2);
        });
        r1.join();
        r2.join();
      },
      lab::Strategy::kRoundRobin, 1);
  EXPECT_EQ(Count(fs, lab::FindingKind::kDataRace), 1);
}

TEST(Primitives, SharedMutexReadersInBothOrdersAreNoInversion) {
  // Two readers take two SharedMutexes in opposite orders and nobody ever writes: readers
  // never wait for readers, so this cannot deadlock (ThreadSanitizer reports it; the lab
  // does not). With a writer of each, a reader can wait behind it: then it is reported.
  auto body = [](bool writers) {
    return [writers] {
      lab::SharedMutex a{"a"}, b{"b"};
      lab::Thread r1("r1", [&] {
        std::shared_lock la(a);
        std::shared_lock lb(b);
      });
      lab::Thread r2("r2", [&] {
        std::shared_lock lb(b);
        std::shared_lock la(a);
      });
      if (writers) {
        std::lock_guard wa(a);
        std::lock_guard wb(b);
      }
      r1.join();
      r2.join();
    };
  };
  auto fs = Explore(body(false));
  EXPECT_EQ(Count(fs, lab::FindingKind::kLockOrderInversion), 0);
  EXPECT_EQ(Count(fs, lab::FindingKind::kDeadlock), 0);
  fs = Explore(body(true));
  EXPECT_GE(Count(fs, lab::FindingKind::kLockOrderInversion), 1);
}

TEST(Primitives, SharedMutexWriterIsOrderedAfterReaders) {
  auto fs = Explore([] {
    lab::SharedMutex m{"m"};
    lab::Shared<int> x{0, "x"};
    lab::Thread r("reader", [&] {
      std::shared_lock lk(m);
      (void)x.load();
    });
    lab::Thread w("writer", [&] {
      std::lock_guard lk(m);
      x.store(1);
    });
    r.join();
    w.join();
  });
  EXPECT_TRUE(fs.empty()) << fs[0].message;
}

TEST(Primitives, LockSharedInAFreeRunDoesNotHang) {
  lab::SharedMutex m{"m"};
  m.lock_shared();
  m.unlock_shared();
  m.lock();
  // Held exclusively: another thread gets it neither shared nor exclusive.
  bool got_shared = true, got_exclusive = true;
  lab::Thread t("other", [&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    got_shared = m.try_lock_shared();
    if (got_shared) m.unlock_shared();
    got_exclusive = m.try_lock();
    if (got_exclusive) m.unlock();
  });
  t.join();
  EXPECT_FALSE(got_shared);
  EXPECT_FALSE(got_exclusive);
  m.unlock();
  const bool again = m.try_lock_shared();
  EXPECT_TRUE(again) << "released: a reader gets it";
  if (again) m.unlock_shared();
}

TEST(Primitives, InversionReportNamesEveryLockOfTheCycle) {
  auto fs = Explore(
      [] {
        lab::Mutex a{"a"}, b{"b"}, c{"c"};
        auto pair = [](lab::Mutex& x, lab::Mutex& y) {
          std::lock_guard g1(x);
          std::lock_guard g2(y);
        };
        // Run one after another: no deadlock happens, the cycle is still there.
        lab::Thread t1("t1", [&] { pair(a, b); });
        t1.join();
        lab::Thread t2("t2", [&] { pair(b, c); });
        t2.join();
        lab::Thread t3("t3", [&] { pair(c, a); });
        t3.join();
      },
      lab::Strategy::kRoundRobin, 1);
  ASSERT_EQ(Count(fs, lab::FindingKind::kLockOrderInversion), 1);
  const auto& f = fs[0];
  EXPECT_EQ(f.message.find("lock#"), std::string::npos) << f.message;
  EXPECT_EQ(f.steps.size(), 3u);
}

TEST(Primitives, SharedAndAtomicAssignmentReportTheLine) {
  auto fs = Explore([] {
    lab::Shared<int> x{0, "x"};
    lab::Atomic<int> y{0, "y"};
    lab::Thread t("t", [&] { x = 5; });  // unordered with main's write below
    x = 6;
    y = 1;
    t.join();
  });
  ASSERT_GE(Count(fs, lab::FindingKind::kDataRace), 1);
  for (const auto& s : fs[0].sites) EXPECT_EQ(s.file.substr(s.file.rfind('/') + 1), "primitives_test.cc");
}

// `a = b` between two Shareds compiles (a Python student writes `self.a = self.b`) and is a
// read of b and a write of a: the value moves, the objects keep their names, and an
// unordered write of b in another thread is a race.
TEST(Primitives, SharedAssignedFromSharedReadsAndWrites) {
  auto fs = Explore([] {
    lab::Shared<int> a{1, "a"}, b{7, "b"};
    a = b;
    EXPECT_EQ(a.load(), 7);
    EXPECT_EQ(b.load(), 7);
    EXPECT_EQ(a.name(), "a");
    const lab::Shared<int> c{9, "c"};
    a = c;
    EXPECT_EQ(a.load(), 9);
  });
  EXPECT_TRUE(fs.empty()) << fs[0].message;

  auto race = Explore([] {
    lab::Shared<int> a{0, "a"}, b{0, "b"};
    lab::Thread t("t", [&] { b = 5; });
    a = b;  // reads b, unordered with t's write
    t.join();
  });
  ASSERT_GE(Count(race, lab::FindingKind::kDataRace), 1);
  EXPECT_NE(race[0].message.find("'b'"), std::string::npos) << race[0].message;
}

// Python's threading.Lock spelled as such is the non-reentrant lab::Mutex (not RLock, which
// g++ suggested for the unknown name): re-locking it is still a self-deadlock.
TEST(Primitives, LockIsPythonsNameForMutex) {
  static_assert(std::is_same_v<lab::Lock, lab::Mutex>);
  auto fs = Explore([] {
    lab::Lock lock{"lock"};
    lock.acquire();
    lock.acquire();
  });
  EXPECT_EQ(Count(fs, lab::FindingKind::kSelfDeadlock), 1);
}

TEST(Primitives, GuardSitesAreTheCallersLine) {
  auto fs = Explore([] {
    lab::Mutex m{"m"};
    std::lock_guard g1(m);
    std::unique_lock g2(m);  // self-deadlock, reported at this line
  });
  ASSERT_EQ(Count(fs, lab::FindingKind::kSelfDeadlock), 1);
  const auto& f = fs[0];
  ASSERT_EQ(f.sites.size(), 2u);
  EXPECT_EQ(f.sites[1].line, f.sites[0].line + 1);
  EXPECT_NE(f.sites[1].file.find("primitives_test.cc"), std::string::npos);
}

// A lab:: object's findings speak the lab:: dialect (a std::mutex's speak std::, see
// tests/stdcxx/stdcxx_test.cc).
TEST(Primitives, LabMutexFindingsNameTheLabTypeAndRemedy) {
  auto self = Explore([] {
    lab::Mutex m{"m"};
    std::lock_guard g1(m);
    std::unique_lock g2(m);
  });
  ASSERT_EQ(Count(self, lab::FindingKind::kSelfDeadlock), 1);
  EXPECT_NE(self[0].message.find("locks Mutex 'm'"), std::string::npos) << self[0].message;
  EXPECT_NE(self[0].message.find("a lab::Mutex is not reentrant"), std::string::npos)
      << self[0].message;
  // Both readings: re-entry on purpose, or a mutex used as a signal (Python's Lock).
  EXPECT_NE(self[0].message.find("lab::RLock counts its locks"), std::string::npos)
      << self[0].message;
  EXPECT_NE(self[0].message.find("a mutex used as a signal"), std::string::npos)
      << self[0].message;
  EXPECT_NE(self[0].message.find("lab::Semaphore of 0 permits"), std::string::npos)
      << self[0].message;
  EXPECT_EQ(self[0].message.find("std::"), std::string::npos) << self[0].message;

  auto unlock = Explore([] {
    lab::Mutex m{"m"};
    m.lock();
    lab::Thread t("t", [&] { m.unlock(); });
    t.join();
  });
  ASSERT_GE(Count(unlock, lab::FindingKind::kUnlockNotOwner), 1);
  for (const auto& f : unlock) {
    if (f.kind != lab::FindingKind::kUnlockNotOwner) continue;
    EXPECT_NE(f.message.find("unlocks Mutex 'm'"), std::string::npos) << f.message;
    EXPECT_NE(f.message.find("use lab::Semaphore"), std::string::npos) << f.message;
    EXPECT_EQ(f.message.find("std::"), std::string::npos) << f.message;
  }
}

TEST(Primitives, BarrierIsCyclicAndReturnsArrivalIndices) {
  int schedules = 0;
  auto fs = Explore([&schedules] {
    ++schedules;
    lab::Barrier b(3, "b");
    lab::Shared<int> round{0, "round"};
    // index[r][i]: what party i's first wait() of round r returned. Each slot is written by
    // its party only and read after the joins.
    int index[3][3] = {};
    std::vector<lab::Thread> ts;
    for (int i = 0; i < 3; ++i) {
      ts.emplace_back("p" + std::to_string(i), [&, i] {
        for (int r = 0; r < 3; ++r) {
          if (i == 0) round.store(r);  // ordered before every party's read by the barrier
          index[r][i] = b.wait();
          if (round.load() != r) lab::report(lab::FindingKind::kWrongOutput, "round mismatch");
          b.wait();
        }
      });
    }
    for (auto& t : ts) t.join();
    // Every round hands out each arrival index 0 .. parties-1 exactly once.
    for (int r = 0; r < 3; ++r) {
      int seen = 0;
      for (int i = 0; i < 3; ++i) {
        if (index[r][i] >= 0 && index[r][i] < 3) seen |= 1 << index[r][i];
      }
      if (seen != 0b111) {
        lab::report(lab::FindingKind::kWrongOutput,
                    "round " + std::to_string(r) + ": arrival indices " +
                        std::to_string(index[r][0]) + ", " + std::to_string(index[r][1]) + ", " +
                        std::to_string(index[r][2]));
      }
    }
  });
  EXPECT_EQ(schedules, 200);
  EXPECT_TRUE(fs.empty()) << fs[0].message;
}

// The first arrival of a round gets 0 and the last parties-1, in the order they arrive.
TEST(Primitives, BarrierIndicesFollowTheArrivalOrder) {
  auto fs = Explore(
      [] {
        lab::Barrier b(2, "b");
        int first = -1, second = -1;
        lab::Thread t("late", [&] {
          lab::sleep_for(10ms);  // virtual time: arrives after main
          second = b.wait();
        });
        first = b.wait();
        t.join();
        if (first != 0 || second != 1) {
          lab::report(lab::FindingKind::kWrongOutput, "indices " + std::to_string(first) + ", " +
                                                          std::to_string(second));
        }
      },
      lab::Strategy::kRandom, 20);
  EXPECT_TRUE(fs.empty()) << fs[0].message;
}

TEST(Primitives, SemaphoreAndEventOrderAccesses) {
  auto fs = Explore([] {
    lab::Semaphore s{0, "s"};
    lab::Event e{"e"};
    lab::Shared<int> a{0, "a"}, b{0, "b"};
    lab::Thread t("t", [&] {
      a.store(1);
      s.release();
      b.store(1);
      e.set();
    });
    s.acquire();
    (void)a.load();
    e.wait();
    (void)b.load();
    t.join();
  });
  EXPECT_TRUE(fs.empty()) << fs[0].message;
}

// Python's threading.Event (DESIGN §3): set() releases every thread waiting at that
// moment, even when clear() follows at once. The setter sleeps first, so in virtual time
// both waiters are blocked in wait() before set() in every schedule; the old Event (a
// waiter re-checked only the flag) left them blocked: a stall.
TEST(Primitives, EventSetThenClearReleasesEveryWaiter) {
  for (lab::Strategy s : {lab::Strategy::kExhaustive, lab::Strategy::kRandom, lab::Strategy::kPct}) {
    int released = 0;
    int runs = 0;
    lab::Options o;
    o.strategy = s;
    o.schedules = 300;
    o.stop_on_failure = false;
    lab::ExploreResult r = lab::explore(o, [&] {
      ++runs;
      lab::Event e{"e"};
      lab::Shared<int> done{0, "done"};
      lab::Mutex m{"m"};
      auto waiter = [&] {
        e.wait();
        std::lock_guard lk(m);
        done += 1;
      };
      lab::Thread w1("w1", waiter), w2("w2", waiter);
      lab::Thread setter("setter", [&] {
        lab::sleep_for(10ms);
        e.set();
        e.clear();
      });
      w1.join();
      w2.join();
      setter.join();
      released += done.load();
      EXPECT_FALSE(e.is_set());
    });
    EXPECT_TRUE(r.findings.empty()) << lab::StrategyName(s) << ": " << r.findings[0].message;
    EXPECT_GT(r.schedules_run, 1) << lab::StrategyName(s);
    EXPECT_EQ(released, 2 * runs) << lab::StrategyName(s);
  }
}

// The other half of the contract: a wait that begins after set(); clear(); blocks, and a
// timed wait then times out and returns false; one that began before returns true.
TEST(Primitives, EventWaitAfterClearStillBlocks) {
  auto fs = Explore([] {
    lab::Event e{"e"};
    lab::Atomic<int> early{-1}, late{-1};
    lab::Thread before("before", [&] { early.store(e.wait_for(50ms) ? 1 : 0); });
    lab::Thread setter("setter", [&] {
      lab::sleep_for(10ms);
      e.set();
      e.clear();
      late.store(e.wait_for(20ms) ? 1 : 0);
    });
    before.join();
    setter.join();
    EXPECT_EQ(early.load(), 1);
    EXPECT_EQ(late.load(), 0);
  });
  EXPECT_TRUE(fs.empty()) << fs[0].message;
}

// release(n) adds n permits, as std::counting_semaphore::release(update) does: release(0)
// adds none. (It used to add one: an Event built from a semaphore that releases "the number
// of threads waiting now", 0 when nobody waits, let a later wait() through before set().)
TEST(Primitives, SemaphoreReleaseOfZeroAddsNoPermit) {
  auto fs = Explore([] {
    lab::Semaphore s{0, "s"};
    s.release(0);
    EXPECT_EQ(s.value(), 0);
    EXPECT_FALSE(s.try_acquire());
    s.release(2);
    EXPECT_EQ(s.value(), 2);
    EXPECT_TRUE(s.try_acquire());
    EXPECT_TRUE(s.try_acquire());
    EXPECT_FALSE(s.try_acquire());
  });
  EXPECT_TRUE(fs.empty()) << fs[0].message;
}

TEST(Primitives, TryLockOnAHeldMutexReturnsFalseWithoutFinding) {
  auto fs = Explore([] {
    lab::Mutex m{"m"};
    m.lock();
    EXPECT_FALSE(m.try_lock());
    m.unlock();
  });
  EXPECT_TRUE(fs.empty());
}

TEST(Primitives, RLockCountsReleases) {
  auto fs = Explore([] {
    lab::RLock r{"r"};
    lab::Shared<int> n{0, "n"};
    // clang's -Wthread-safety cannot model a reentrant lock: re-locking is the point here.
    lab::Thread t("t", [&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
      std::lock_guard a(r);
      std::lock_guard b(r);
      n += 1;
    });
    {
      std::lock_guard a(r);
      n += 1;
    }
    t.join();
  });
  EXPECT_TRUE(fs.empty()) << fs[0].message;
}

}  // namespace
