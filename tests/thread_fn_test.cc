// thread_fn_test.cc — ThreadFn (lab/internal/thread_fn.h), the body of a lab thread: small
// and large callables run, are destroyed exactly once, move out of their source, accept
// move-only captures; and lab::Thread runs its body through it in both kinds of run.
#include "lab/internal/thread_fn.h"

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <utility>

#include "lab/explore.h"
#include "lab/sync.h"

namespace lab::internal {
namespace {

// Counts the live copies of a callable of N bytes and how often any was called.
struct Counts {
  int live = 0;
  int calls = 0;
};
template <std::size_t N>
struct Body {
  explicit Body(Counts* c) : c(c) { ++c->live; }
  Body(const Body& o) : c(o.c), pad(o.pad) { ++c->live; }
  Body(Body&& o) noexcept : c(o.c), pad(o.pad) { ++c->live; }
  ~Body() { --c->live; }
  void operator()() { ++c->calls; }
  Counts* c;
  std::array<char, N> pad{};
};

template <std::size_t N>
void CheckLifecycle() {
  Counts c;
  {
    ThreadFn f{Body<N>(&c)};
    EXPECT_EQ(c.live, 1) << N;  // the temporary is gone, one copy inside
    ASSERT_TRUE(static_cast<bool>(f));
    f();
    f();
    EXPECT_EQ(c.calls, 2);
    ThreadFn g(std::move(f));
    EXPECT_FALSE(static_cast<bool>(f));
    EXPECT_EQ(c.live, 1) << N;
    g();
    EXPECT_EQ(c.calls, 3);
    ThreadFn h;
    h = std::move(g);
    EXPECT_FALSE(static_cast<bool>(g));
    EXPECT_EQ(c.live, 1) << N;
    h();
    EXPECT_EQ(c.calls, 4);
    h = nullptr;
    EXPECT_FALSE(static_cast<bool>(h));
    EXPECT_EQ(c.live, 0) << N;
    h = ThreadFn(Body<N>(&c));
    EXPECT_EQ(c.live, 1) << N;
  }
  EXPECT_EQ(c.live, 0) << N;  // destroyed exactly once, none leaked
}

TEST(ThreadFn, SmallCallableRunsMovesAndIsDestroyedOnce) { CheckLifecycle<8>(); }
TEST(ThreadFn, CallableAtTheInlineLimitRunsMovesAndIsDestroyedOnce) {
  CheckLifecycle<ThreadFn::kInline - sizeof(Counts*)>();
}
TEST(ThreadFn, LargeCallableOnTheHeapRunsMovesAndIsDestroyedOnce) { CheckLifecycle<256>(); }

TEST(ThreadFn, AcceptsMoveOnlyCallablesAndFunctionPointers) {
  auto p = std::make_unique<int>(41);
  int seen = 0;
  ThreadFn f([p = std::move(p), &seen] { seen = *p + 1; });
  f();
  EXPECT_EQ(seen, 42);
  static int hits = 0;
  ThreadFn g(+[] { ++hits; });
  g();
  g();
  EXPECT_EQ(hits, 2);
}

// A lab::Thread body capturing three references (more than std::function keeps inline)
// runs in every schedule of a controlled run and in a free run.
TEST(ThreadFn, LabThreadBodiesRunInControlledAndFreeRuns) {
  lab::Options o;
  o.strategy = lab::Strategy::kRandom;
  o.schedules = 50;
  int bodies = 0;
  auto result = lab::explore(o, [&] {
    lab::Mutex m{"m"};
    lab::Shared<int> n{0};
    int local = 0;
    lab::Thread a("a", [&m, &n, &local] {
      std::lock_guard<lab::Mutex> g(m);
      n += 1;
      ++local;
    });
    lab::Thread b("b", [&m, &n, &local] {
      std::lock_guard<lab::Mutex> g(m);
      n += 1;
      ++local;
    });
    a.join();
    b.join();
    EXPECT_EQ(local, 2);
    ++bodies;
  });
  EXPECT_TRUE(result.findings.empty());
  EXPECT_EQ(bodies, 50);

  int free_runs = 0;
  lab::Thread t("free", [&free_runs] { ++free_runs; });
  t.join();
  EXPECT_EQ(free_runs, 1);
}

}  // namespace
}  // namespace lab::internal
