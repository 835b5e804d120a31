// fiber_reuse_test.cc — a fiber whose run is over is reused whole by the next one.
//
// A controlled run starts a fiber per thread per schedule. The pool takes a released fiber
// back with its stack; under ThreadSanitizer it keeps the fiber's TSan context as well
// (creating one allocates and clears a large ThreadState: that cost made a DPOR test take
// minutes under `make tsan`). A kept TSan context is only sound if its shadow stack of
// function entries is back where the fiber began each time (fiber.h, Fiber::stage): frames
// left over from every run would overflow it after some ten thousand runs and corrupt
// TSan's memory. The second test runs well past that point under TSan, with threads that
// finish at different depths.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>

#include "fiber.h"
#include "gtest/gtest.h"
#include "lab/explore.h"
#include "lab/sync.h"

namespace {

using lab::internal::Fiber;
using lab::internal::FiberPool;

struct RunCtx {
  FiberPool* pool = nullptr;
  Fiber* self = nullptr;
  int runs = 0;
};

void EndsBySwitchingAway(void* a, void*) {
  auto* ctx = static_cast<RunCtx*>(a);
  ++ctx->runs;
  lab::internal::MarkFiberExiting(ctx->self);
  lab::internal::SwitchFiber(ctx->self, ctx->pool->OsFiber());
  ADD_FAILURE() << "a fiber whose run was over was resumed";
  std::abort();
}

TEST(FiberReuse, AFinishedFiberIsTakenBackWithItsStackAndContext) {
  FiberPool pool;
  RunCtx ctx;
  ctx.pool = &pool;
  std::set<Fiber*> fibers;
  std::set<void*> stacks, tsan_contexts;
  for (int i = 0; i < 5; ++i) {
    Fiber* f = pool.Create(&EndsBySwitchingAway, &ctx, nullptr);
    ctx.self = f;
    lab::internal::SwitchFiber(pool.OsFiber(), f);
    EXPECT_EQ(ctx.runs, i + 1);
    fibers.insert(f);
    stacks.insert(f->stack);
    tsan_contexts.insert(f->tsan_fiber);
    pool.Release(f);
  }
  EXPECT_EQ(fibers.size(), 1u);
  EXPECT_EQ(stacks.size(), 1u);
  EXPECT_EQ(tsan_contexts.size(), 1u);  // null without TSan; one kept context with it
}

// Each thread's run ends deep in its own calls at a different depth each schedule.
int Nested(lab::Mutex& m, int& shared, int depth) {
  if (depth == 0) {
    std::lock_guard<lab::Mutex> g(m);
    return ++shared;
  }
  return Nested(m, shared, depth - 1) + 1;
}

TEST(FiberReuse, ThirtyThousandSchedulesReuseTheirFibers) {
  lab::Options o;
  o.schedules = 30000;
  o.seed = 7;
  int schedules = 0;
  const lab::ExploreResult r = lab::explore(o, [&] {
    ++schedules;
    lab::Mutex m{"m"};
    int shared = 0;
    lab::Thread a([&] { Nested(m, shared, schedules % 7); });
    lab::Thread b([&] { Nested(m, shared, 3 + schedules % 5); });
    a.join();
    b.join();
    if (shared != 2) lab::report(lab::FindingKind::kWrongOutput, "lost an increment");
  });
  EXPECT_TRUE(r.ok()) << r.summary;
  EXPECT_EQ(r.schedules_run, 30000);
  EXPECT_EQ(schedules, 30000);
}

}  // namespace

namespace {

long ResidentKiB() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return -1;
  char line[256];
  long kib = -1;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    if (std::sscanf(line, "VmRSS: %ld kB", &kib) == 1) break;
  }
  std::fclose(f);
  return kib;
}

// A pool gives back what it keeps: its fibers' stacks and, under ThreadSanitizer, their
// TSan contexts (each a ThreadState with its shadow stack). lab::explore makes a pool per
// call, so a context kept past its pool would be lost at every call.
TEST(FiberReuse, APoolGivesItsKeptFibersBack) {
  const auto run_pools = [](int pools) {
    for (int p = 0; p < pools; ++p) {
      FiberPool pool;
      RunCtx ctx;
      ctx.pool = &pool;
      for (int i = 0; i < 4; ++i) {
        Fiber* f = pool.Create(&EndsBySwitchingAway, &ctx, nullptr);
        ctx.self = f;
        lab::internal::SwitchFiber(pool.OsFiber(), f);
        pool.Release(f);
      }
    }
  };
  run_pools(50);  // warm: allocators' own caches
  const long before = ResidentKiB();
  run_pools(500);
  const long after = ResidentKiB();
  ASSERT_GT(before, 0);
  std::printf("resident: %ld KiB before, %ld KiB after 500 pools\n", before, after);
  EXPECT_LT(after - before, 64 * 1024) << "KiB kept after 500 pools were destroyed";
}

}  // namespace
