// library_mode_test.cc — real threads (no explore): the deadlock policy that throws, and
// findings collected by lab::findings(). The default policy (report, then exit 35) and
// LAB_REPORT are covered by examples_test, which runs the example programs.
#include <atomic>
#include <string>

#include "gtest/gtest.h"
#include "lab/explore.h"
#include "lab/sync.h"

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

}  // namespace
