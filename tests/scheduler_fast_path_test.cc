// scheduler_fast_path_test.cc — the controlled scheduler's inline path for the random
// strategy (ControlledScheduler::Reschedule) against its general path.
//
// The scheduler draws inline when its strategy is the RandomStrategy itself; any other
// strategy goes through the general path (the options listed, a ChoiceView, a virtual
// Pick). A strategy that only forwards to a RandomStrategy therefore runs the same seed
// through the general path: every schedule must make the same choices (which thread,
// which option, among how many, at which point of which thread), take the same steps,
// preemptions and spurious wake-ups, and let the threads observe the same interleaving.
// Seeds pinned by other tests rely on this; a wrong option order or count on either path
// shows here as the first schedule that differs.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "controlled_scheduler.h"
#include "fiber.h"
#include "gtest/gtest.h"
#include "lab/explore.h"
#include "lab/sync.h"
#include "random_strategy.h"
#include "strategy.h"

namespace {

using lab::internal::ChoiceRecord;
using lab::internal::ChoiceView;
using lab::internal::ControlledScheduler;
using lab::internal::FiberPool;
using lab::internal::RandomStrategy;
using lab::internal::SchedulingStrategy;

// The random strategy behind a strategy the scheduler does not know: the general path.
class ForwardingRandom : public SchedulingStrategy {
 public:
  explicit ForwardingRandom(std::uint64_t seed) : inner_(seed) {}
  bool BeginSchedule(int index) override { return inner_.BeginSchedule(index); }
  int Pick(const ChoiceView& c) override { return inner_.Pick(c); }
  std::string Token() const override { return inner_.Token(); }

 private:
  RandomStrategy inner_;
};

// What one schedule did, as far as the two paths must agree.
struct Observed {
  std::vector<ChoiceRecord> choices;
  std::int64_t steps = 0;
  int preemptions = 0;
  int spurious = 0;
  std::int64_t duration_ns = 0;
  std::vector<int> log;  // the order the threads got through their critical sections
  std::size_t findings = 0;
};

bool Same(const ChoiceRecord& a, const ChoiceRecord& b) {
  return a.self_tid == b.self_tid && a.self_point == b.self_point &&
         a.picked_tid == b.picked_tid && a.pick == b.pick && a.num_runnable == b.num_runnable &&
         a.current_first == b.current_first;
}

std::vector<Observed> RunAll(SchedulingStrategy* strategy, const lab::Options& opt, int schedules,
                             const std::function<void(std::vector<int>&)>& body,
                             bool record = true) {
  FiberPool pool;
  std::atomic<std::uint64_t> steps{0};
  ControlledScheduler sched(opt, strategy, &pool, "", &steps);
  sched.SetRecording(record);
  std::vector<Observed> out;
  for (int i = 0; i < schedules; ++i) {
    EXPECT_TRUE(strategy->BeginSchedule(i));
    Observed o;
    const auto outcome = sched.RunSchedule([&] { body(o.log); });
    o.choices = sched.choices();
    o.steps = outcome.stats.steps;
    o.preemptions = outcome.stats.preemptions;
    o.spurious = outcome.stats.spurious_wakeups;
    o.duration_ns = outcome.stats.duration.count();
    o.findings = outcome.findings.size();
    out.push_back(std::move(o));
  }
  return out;
}

void ExpectSameSchedules(const lab::Options& opt, int schedules,
                         const std::function<void(std::vector<int>&)>& body) {
  RandomStrategy fast(opt.seed);
  ForwardingRandom general(opt.seed);
  const std::vector<Observed> a = RunAll(&fast, opt, schedules, body);
  const std::vector<Observed> b = RunAll(&general, opt, schedules, body);
  ASSERT_EQ(a.size(), b.size());
  std::size_t choices = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    SCOPED_TRACE("schedule " + std::to_string(i));
    ASSERT_EQ(a[i].choices.size(), b[i].choices.size());
    for (std::size_t j = 0; j < a[i].choices.size(); ++j) {
      ASSERT_TRUE(Same(a[i].choices[j], b[i].choices[j])) << "choice " << j;
    }
    choices += a[i].choices.size();
    EXPECT_EQ(a[i].steps, b[i].steps);
    EXPECT_EQ(a[i].preemptions, b[i].preemptions);
    EXPECT_EQ(a[i].spurious, b[i].spurious);
    EXPECT_EQ(a[i].duration_ns, b[i].duration_ns);
    EXPECT_EQ(a[i].log, b[i].log);
    EXPECT_EQ(a[i].findings, b[i].findings);
  }
  // The schedules made real choices (a body without any would compare nothing).
  EXPECT_GT(choices, static_cast<std::size_t>(schedules));

  // Not recording (explore's random search), every point takes the inline path
  // (PointNoted's Reschedule<true>; recording, points go the general way and only blocks
  // and exits draw inline): the same schedules, seen from everything but the choice log,
  // which is not kept.
  RandomStrategy unrecorded(opt.seed);
  const std::vector<Observed> c = RunAll(&unrecorded, opt, schedules, body, false);
  ASSERT_EQ(c.size(), a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    SCOPED_TRACE("schedule " + std::to_string(i) + ", not recording");
    EXPECT_TRUE(c[i].choices.empty());
    EXPECT_EQ(c[i].steps, a[i].steps);
    EXPECT_EQ(c[i].preemptions, a[i].preemptions);
    EXPECT_EQ(c[i].spurious, a[i].spurious);
    EXPECT_EQ(c[i].duration_ns, a[i].duration_ns);
    EXPECT_EQ(c[i].log, a[i].log);
    EXPECT_EQ(c[i].findings, a[i].findings);
  }
}

// Two producers, two consumers, one condition variable: blocked waiters (spurious
// wake-up candidates), notify_all, joins.
void BoundedBuffer(std::vector<int>& log) {
  lab::Mutex m{"m"};
  lab::CondVar cv;
  lab::Shared<int> count{0};
  auto producer = [&](int id) {
    for (int i = 0; i < 2; ++i) {
      std::unique_lock<lab::Mutex> lk(m);
      while (count.load() == 1) cv.wait(lk);
      count.store(1);
      log.push_back(id);
      cv.notify_all();
    }
  };
  auto consumer = [&](int id) {
    for (int i = 0; i < 2; ++i) {
      std::unique_lock<lab::Mutex> lk(m);
      while (count.load() == 0) cv.wait(lk);
      count.store(0);
      log.push_back(id);
      cv.notify_all();
    }
  };
  lab::Thread p1("p1", [&] { producer(1); }), p2("p2", [&] { producer(2); });
  lab::Thread c1("c1", [&] { consumer(3); }), c2("c2", [&] { consumer(4); });
  p1.join();
  p2.join();
  c1.join();
  c2.join();
}

// Busy-waiting (fair spinning takes the general path while a thread spins), a sleep
// (virtual time jumps) and a timed wait.
void Spinners(std::vector<int>& log) {
  lab::Atomic<int> flag{0};
  lab::Mutex m{"m"};
  lab::CondVar cv;
  lab::Thread a("a", [&] {
    while (flag.load() == 0) {
    }
    log.push_back(1);
  });
  lab::Thread b("b", [&] {
    while (flag.load() == 0) lab::yield();
    log.push_back(2);
  });
  lab::Thread c("c", [&] {
    lab::sleep_for(std::chrono::milliseconds(3));
    log.push_back(3);
    flag.store(1);
  });
  lab::Thread d("d", [&] {
    std::unique_lock<lab::Mutex> lk(m);
    const bool woke = cv.wait_for(lk, std::chrono::milliseconds(2), [&] { return flag.load() == 1; });
    log.push_back(woke ? 4 : 5);
  });
  a.join();
  b.join();
  c.join();
  d.join();
}

TEST(SchedulerFastPath, RandomDrawsInlineAsThroughTheStrategyWithSpuriousWakeups) {
  lab::Options opt;
  opt.seed = 11;
  opt.spurious_wakeups = true;
  ExpectSameSchedules(opt, 300, BoundedBuffer);
}

TEST(SchedulerFastPath, RandomDrawsInlineAsThroughTheStrategyWithoutSpuriousWakeups) {
  lab::Options opt;
  opt.seed = 12;
  opt.spurious_wakeups = false;
  ExpectSameSchedules(opt, 300, BoundedBuffer);
}

TEST(SchedulerFastPath, SpinnersSleepsAndTimedWaitsTakeTheSameSchedules) {
  lab::Options opt;
  opt.seed = 13;
  ExpectSameSchedules(opt, 100, Spinners);
}

}  // namespace
