// stack_overflow_test.cc — a lab thread that overflows its stack inside lab::explore is a
// `crash` finding naming the thread, the recursing function and its line, with a replay
// token (explore/stack_overflow.h); it was a bare SIGSEGV. Any other SIGSEGV stays one.
// Built with frame pointers (tests/CMakeLists.txt), as the grader builds submissions.
// Not run under ThreadSanitizer (label no_tsan): the guard is not installed there.
#include <atomic>
#include <csignal>
#include <cstdint>
#include <string>

#include "gtest/gtest.h"
#include "lab/explore.h"
#include "lab/internal/runner_hooks.h"
#include "lab/sync.h"

namespace {

// A recursion with no base case that the compiler can neither end nor turn into a loop.
volatile int g_sink = 0;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winfinite-recursion"  // the point of the test
[[gnu::noinline]] int Endless(int i) {
  volatile char frame[64];
  frame[0] = static_cast<char>(i);
  g_sink = i;
  return Endless(i + 1) + frame[0];
}
#pragma GCC diagnostic pop

// A local array larger than the stack, touched from its top down a page at a time (as
// GCC's -fstack-clash-protection probes it): the fault is in the guard page.
[[gnu::noinline]] int HugeFrame() {
  volatile char big[1024 * 1024 + 64 * 1024];
  for (long i = static_cast<long>(sizeof big) - 1; i >= 0; i -= 4096) big[i] = 1;
  return big[0];
}

// The spec runner's line lookup (caller_site.h) stands in here: every address is
// "fizz.cpp:14" in FizzBuzz::fizz(int); the test's own sources are the lab's for it.
std::atomic<int> g_asked{0};
bool FakeFrame(std::uintptr_t, lab::internal::SiteRef* site, char* function, std::size_t size) {
  g_asked.fetch_add(1);
  *site = lab::internal::SiteRef{"fizz.cpp", 14};
  std::snprintf(function, size, "%s", "FizzBuzz::fizz(int)");
  return true;
}

class StackOverflow : public ::testing::Test {
 protected:
  void SetUp() override {
#if defined(__SANITIZE_THREAD__)
    GTEST_SKIP() << "under ThreadSanitizer the lab leaves SIGSEGV to TSan";
#endif
    lab::internal::SetPcFrameHook(&FakeFrame);
  }
  void TearDown() override { lab::internal::SetPcFrameHook(nullptr); }
};

void RecursingBody() {
  lab::Mutex m{"m"};
  lab::Thread fizz("fizz", [&] {
    m.lock();
    m.unlock();
    g_sink = Endless(0);
  });
  fizz.join();
}

TEST_F(StackOverflow, EndlessRecursionIsACrashNamingTheThreadTheFunctionAndTheLine) {
  lab::Options o;
  o.schedules = 5;
  const lab::ExploreResult r = lab::explore(o, RecursingBody);
  ASSERT_EQ(r.findings.size(), 1u) << r.summary;
  const lab::Finding& f = r.findings[0];
  EXPECT_EQ(f.kind, lab::FindingKind::kCrash);
  EXPECT_EQ(f.threads, std::vector<std::string>{"fizz"});
  EXPECT_EQ(f.message.rfind("stack overflow in thread 'fizz': FizzBuzz::fizz recurses without "
                            "end: its call at fizz.cpp:14 is ",
                            0),
            0u)
      << f.message;
  EXPECT_NE(f.message.find("filled the thread's 1 MiB; a recursion needs a base case"),
            std::string::npos)
      << f.message;
  EXPECT_GT(g_asked.load(), 0);
  ASSERT_EQ(f.sites.size(), 1u);
  EXPECT_EQ(f.sites[0], (lab::SourceSite{"fizz.cpp", 14}));
  EXPECT_EQ(r.schedules_run, 1);  // the schedule ended there, and exploring stopped
  EXPECT_FALSE(r.replay_token.empty());
  ASSERT_TRUE(f.trace.has_value());
  EXPECT_FALSE(f.trace->events.empty());  // the interleaving that led to it

  // The token replays the same finding, and the lab keeps working after it.
  lab::Options replay;
  replay.replay = r.replay_token;
  const lab::ExploreResult again = lab::explore(replay, RecursingBody);
  ASSERT_EQ(again.findings.size(), 1u) << again.summary;
  EXPECT_EQ(again.findings[0].kind, lab::FindingKind::kCrash);
  EXPECT_EQ(again.findings[0].message.substr(0, 60), f.message.substr(0, 60));
}

TEST_F(StackOverflow, AHugeLocalArrayIsAnOverflowSaidAsSuch) {
  lab::Options o;
  o.schedules = 2;
  const lab::ExploreResult r = lab::explore(o, [] {
    lab::Thread big("big", [] { g_sink = HugeFrame(); });
    big.join();
  });
  ASSERT_EQ(r.findings.size(), 1u) << r.summary;
  const lab::Finding& f = r.findings[0];
  EXPECT_EQ(f.kind, lab::FindingKind::kCrash);
  EXPECT_NE(f.message.find("stack overflow in thread 'big' at fizz.cpp:14 in FizzBuzz::fizz: "
                           "the thread used up its 1 MiB stack"),
            std::string::npos)
      << f.message;
}

TEST_F(StackOverflow, TheMainThreadOfAScheduleIsCoveredToo) {
  lab::Options o;
  o.schedules = 2;
  const lab::ExploreResult r = lab::explore(o, [] { g_sink = Endless(0); });
  ASSERT_EQ(r.findings.size(), 1u) << r.summary;
  EXPECT_EQ(r.findings[0].message.rfind("stack overflow in thread 'main': ", 0), 0u)
      << r.findings[0].message;
}

// A fault that is not an overflow (a null pointer) is declined by the overflow guard and
// reaches the fault handler behind it (abort_report.cc): a `crash` that names the signal,
// never a stack overflow.
TEST_F(StackOverflow, ANullPointerIsAFaultNotAnOverflow) {
  lab::Options o;
  o.schedules = 1;
  const lab::ExploreResult r = lab::explore(o, [] {
    lab::Thread t("t", [] {
      volatile int* volatile p = nullptr;
      *p = 1;
    });
    t.join();
  });
  ASSERT_EQ(r.findings.size(), 1u) << r.summary;
  EXPECT_EQ(r.findings[0].kind, lab::FindingKind::kCrash);
  EXPECT_NE(r.findings[0].message.find("was killed by SIGSEGV"), std::string::npos)
      << r.findings[0].message;
  EXPECT_EQ(r.findings[0].message.find("stack overflow"), std::string::npos)
      << r.findings[0].message;
}

// A correct program still runs: a thread with a 600 KiB local array fits its 1 MiB.
TEST_F(StackOverflow, ADeepButFiniteStackIsNoFinding) {
  lab::Options o;
  o.schedules = 3;
  const lab::ExploreResult r = lab::explore(o, [] {
    lab::Thread t("t", [] {
      volatile char a[600 * 1024];
      a[0] = 1;
      a[sizeof a - 1] = 1;
      g_sink = a[0] + a[sizeof a - 1];
    });
    t.join();
  });
  EXPECT_TRUE(r.findings.empty()) << r.summary;
}

// The random search records no trace (explore.cc: RerunRecording): the crash's
// interleaving comes from a rerun of its schedule that ends where the fault came, without
// recursing again, and it is the interleaving the token's replay draws.
std::atomic<int> g_recursions{0};
void CountingRecursingBody() {
  lab::Mutex m{"m"};
  lab::Thread fizz("fizz", [&] {
    m.lock();
    m.unlock();
    g_recursions.fetch_add(1);
    g_sink = Endless(0);
  });
  fizz.join();
}

TEST_F(StackOverflow, TheRerunThatDrawsTheInterleavingStopsBeforeTheRecursion) {
  lab::Options o;
  o.schedules = 5;
  const lab::ExploreResult r = lab::explore(o, CountingRecursingBody);
  ASSERT_EQ(r.findings.size(), 1u) << r.summary;
  const lab::Finding& f = r.findings[0];
  ASSERT_TRUE(f.trace.has_value());
  EXPECT_FALSE(f.trace->events.empty());
  EXPECT_EQ(g_recursions.load(), 1);

  lab::Options replay;
  replay.replay = r.replay_token;
  const lab::ExploreResult again = lab::explore(replay, CountingRecursingBody);
  ASSERT_EQ(again.findings.size(), 1u) << again.summary;
  EXPECT_EQ(g_recursions.load(), 2);
  EXPECT_TRUE(again.findings[0] == f) << again.findings[0].message;
}

}  // namespace
