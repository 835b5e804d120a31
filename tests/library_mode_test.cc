// library_mode_test.cc — real threads (no explore): the deadlock policy that throws, and
// findings collected by lab::findings(). The default policy (report, then exit 35) and
// LAB_REPORT are covered by examples_test, which runs the example programs. The lock fast
// path of free runs (taken once a lock and its lock-order edges are known) must find
// everything the slow path finds: the Fast* tests warm locks up first.
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "lab/explore.h"
#include "lab/sync.h"
#include "lock_ops.h"  // lab::internal::LockSlowPathCount
#include "runtime.h"   // lab::internal::SetDetectionOff (the benchmark's switch)

namespace {

TEST(LibraryMode, ThrowPolicyUnblocksTheDeadlockedThread) {
  lab::set_on_deadlock(lab::OnDeadlock::kThrow);
  lab::Mutex a{"lib-a"}, b{"lib-b"};
  lab::Barrier both_hold(2, "both-hold");
  std::atomic<int> thrown{0};
  auto worker = [&](lab::Mutex& first, lab::Mutex& second) {
    try {
      std::lock_guard g1(first);
      both_hold.wait();  // both threads now hold their first lock: the deadlock is certain
      std::lock_guard g2(second);
    } catch (const lab::DeadlockError& e) {
      thrown++;
      EXPECT_NE(std::string(e.what()).find("lib-"), std::string::npos) << e.what();
    }
  };
  lab::Thread t1("t1", [&] { worker(a, b); });
  lab::Thread t2("t2", [&] { worker(b, a); });
  t1.join();
  t2.join();
  lab::set_on_deadlock(lab::OnDeadlock::kAbort);
  // Exactly one thread closes the cycle and gets the exception; unwinding its guard frees
  // its lock and the other thread finishes.
  EXPECT_EQ(thrown.load(), 1);
  bool deadlock = false;
  for (const auto& f : lab::findings()) deadlock |= f.kind == lab::FindingKind::kDeadlock;
  EXPECT_TRUE(deadlock);
}

int CountOf(lab::FindingKind k, const std::string& object) {
  int n = 0;
  for (const auto& f : lab::findings()) {
    if (f.kind != k) continue;
    for (const auto& o : f.objects) n += o == object;
  }
  return n;
}

TEST(LibraryMode, FastPathKeepsLockOrderInversions) {
  lab::Mutex a{"fast-a"}, b{"fast-b"};
  // Warm: this thread's a→b observation is cached, later rounds take the fast path.
  for (int i = 0; i < 100; ++i) {
    std::lock_guard ga(a);
    std::lock_guard gb(b);
  }
  EXPECT_EQ(CountOf(lab::FindingKind::kLockOrderInversion, "fast-a"), 0);
  lab::Thread t("inverter", [&] {
    for (int i = 0; i < 100; ++i) {
      std::lock_guard gb(b);
      std::lock_guard ga(a);
    }
  });
  t.join();
  EXPECT_EQ(CountOf(lab::FindingKind::kLockOrderInversion, "fast-a"), 1);
}

TEST(LibraryMode, FastPathOrdersAccessesThroughTheLock) {
  lab::Mutex m{"fast-m"};
  lab::Shared<int> guarded{0, "fast-guarded"};
  lab::Shared<int> unguarded{0, "fast-unguarded"};
  auto work = [&] {
    for (int i = 0; i < 2000; ++i) {
      std::lock_guard g(m);
      guarded += 1;
    }
  };
  lab::Thread t1("w1", work), t2("w2", work);
  t1.join();
  t2.join();
  EXPECT_EQ(guarded.load(), 4000);
  EXPECT_EQ(CountOf(lab::FindingKind::kDataRace, "fast-guarded"), 0);
  // The same lock taken by each thread, but the access outside it: a race, although
  // both threads lock and unlock m through the fast path.
  auto racy = [&] {
    for (int i = 0; i < 50; ++i) {
      { std::lock_guard g(m); }
      unguarded += 1;
    }
  };
  lab::Thread t3("r1", racy), t4("r2", racy);
  t3.join();
  t4.join();
  EXPECT_GE(CountOf(lab::FindingKind::kDataRace, "fast-unguarded"), 1);
}

// A free run's access holds the value's guard only from SharedBegin to SharedEnd, which
// lab::Shared calls only when SharedBegin says it took it: after each kind of access in
// this thread, another thread's access must not spin on a guard left taken. (The accesses
// are ordered by the lock: no race either.)
TEST(LibraryMode, EachKindOfSharedAccessReleasesTheValueGuard) {
  lab::Mutex m{"guard-m"};
  lab::Shared<int> v{0, "guard-released"};
  {
    std::lock_guard g(m);
    v.store(1);
    EXPECT_EQ(v.load(), 1);
    EXPECT_EQ(v.read([](const int& x) { return x; }), 1);
    v.write([](int& x) { x += 1; });
    v += 1;
    ++v;
    v--;
    EXPECT_EQ(static_cast<int>(v), 3);
  }
  std::atomic<bool> done{false};
  std::thread other([&] {
    std::lock_guard g(m);
    v.write([&](int& x) { x = v.read([](const int& y) { return y; }) + 1; });
    done = true;
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!done) {
    other.detach();  // spinning for the guard for ever
    FAIL() << "another thread's access waited 10 s for the value's guard";
  }
  other.join();
  {
    std::lock_guard g(m);  // a std::thread's join is no happens-before edge for the lab
    EXPECT_EQ(v.load(), 4);
  }
  EXPECT_EQ(CountOf(lab::FindingKind::kDataRace, "guard-released"), 0);
}

// Misuse on purpose: outside clang's thread-safety analysis (make clang).
void WarmUpThenMisuse() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  lab::Mutex m{"fast-misuse"};
  lab::RLock r{"fast-rlock"};
  for (int i = 0; i < 100; ++i) {
    m.lock();
    m.unlock();
    r.lock();
    r.lock();
    r.unlock();
    r.unlock();
  }
  r.lock();
  r.lock();
  r.unlock();
  EXPECT_TRUE(r.try_lock());  // still ours: one level left, plus this one
  r.unlock();
  r.unlock();
  EXPECT_EQ(CountOf(lab::FindingKind::kUnlockUnlocked, "fast-rlock"), 0);
  m.lock();
  lab::Thread t("stranger", [&]() ABSL_NO_THREAD_SAFETY_ANALYSIS { m.unlock(); });
  t.join();
  EXPECT_EQ(CountOf(lab::FindingKind::kUnlockNotOwner, "fast-misuse"), 1);
  m.unlock();  // carried out above: the lock is free now
  EXPECT_EQ(CountOf(lab::FindingKind::kUnlockUnlocked, "fast-misuse"), 1);
  EXPECT_TRUE(m.try_lock());
  m.unlock();
}

TEST(LibraryMode, FastPathKeepsMisuseFindings) { WarmUpThenMisuse(); }

// The unlock fast path does not load the owner: after another thread unlocked the lock
// (misuse) and a third took it, the first owner's unlock (its held list still ends with
// the lock) must still be an unlock by a non-owner, not a release of the third's lock.
void StolenThenRetaken() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  lab::Mutex m{"fast-stolen"};
  for (int i = 0; i < 100; ++i) {
    m.lock();
    m.unlock();
  }
  m.lock();
  lab::Thread stranger("stranger", [&]() ABSL_NO_THREAD_SAFETY_ANALYSIS { m.unlock(); });
  stranger.join();
  lab::Thread taker("taker", [&]() ABSL_NO_THREAD_SAFETY_ANALYSIS { m.lock(); });
  taker.join();  // finishes holding m
  m.unlock();
  EXPECT_EQ(CountOf(lab::FindingKind::kUnlockNotOwner, "fast-stolen"), 2);
  EXPECT_EQ(CountOf(lab::FindingKind::kUnlockUnlocked, "fast-stolen"), 0);
}

TEST(LibraryMode, FastUnlockAfterStolenLockIsStillNotOwner) { StolenThenRetaken(); }

// The fast path is taken: once a lock, its lock-order edges and the caller's file are
// known, an uncontended Mutex or RLock of the free run never enters the slow path, called
// directly or through std::lock_guard, alone or nested under another lock.
TEST(LibraryMode, WarmUncontendedLocksTakeTheFastPath) {
  lab::Mutex m{"count-m"}, outer{"count-outer"};
  lab::RLock r{"count-r"};
  auto round = [&] {
    m.lock();
    m.unlock();
    r.lock();
    r.unlock();
    { std::lock_guard g(m); }
    {
      std::lock_guard go(outer);
      std::lock_guard g(m);
    }
  };
  round();  // warm: nodes, the outer→m edge, this file's class
  const std::uint64_t before = lab::internal::LockSlowPathCount();
  for (int i = 0; i < 100; ++i) round();
  EXPECT_EQ(lab::internal::LockSlowPathCount() - before, 0u);

  // The count sees the slow path: a SharedMutex never takes the fast one.
  lab::SharedMutex s{"count-s"};
  const std::uint64_t mid = lab::internal::LockSlowPathCount();
  s.lock();
  s.unlock();
  EXPECT_EQ(lab::internal::LockSlowPathCount() - mid, 2u);
}

// The benchmark's detection-off switch: still a correct lock (contended, reentrant), and
// switching it back on restores every analysis.
TEST(LibraryMode, DetectionOffIsStillALock) {
  lab::internal::SetDetectionOff(true);
  lab::Mutex m{"off-m"};
  lab::RLock r{"off-r"};
  long plain = 0;  // guarded by m: a lost update would show in the total
  // clang's -Wthread-safety cannot model a reentrant lock: re-locking r is the point.
  auto work = [&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    for (int i = 0; i < 20000; ++i) {
      std::lock_guard g(m);
      ++plain;
    }
    for (int i = 0; i < 100; ++i) {
      std::lock_guard a(r);
      std::lock_guard b(r);
    }
  };
  lab::Thread t1("off-1", work), t2("off-2", work);
  t1.join();
  t2.join();
  lab::internal::SetDetectionOff(false);
  EXPECT_EQ(plain, 40000);
  lab::Mutex a{"on-a"}, b{"on-b"};
  {
    std::lock_guard ga(a);
    std::lock_guard gb(b);
  }
  lab::Thread t("on-inverter", [&] {
    std::lock_guard gb(b);
    std::lock_guard ga(a);
  });
  t.join();
  EXPECT_EQ(CountOf(lab::FindingKind::kLockOrderInversion, "on-a"), 1);
}

}  // namespace
