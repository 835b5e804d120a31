// deadlock_search.h — potential, then confirmed: the directed search for a real deadlock
// behind a lock-order inversion (DESIGN §7), the way DeadlockFuzzer (PLDI 2009) does it.
//
// An inversion's cycle says: thread T_i takes lock L_{i+1} while holding L_i. The search
// runs the same body again under a directed strategy that lets each thread run until it
// is about to take its L_{i+1} while holding its L_i, parks it there, and runs the others
// into their own; once every runnable thread is parked, the parked ones go on, each waits
// for the lock the next one holds, and the runtime reports the `deadlock` with its
// wait-for cycle. The strategy records its choices, so the deadlock's replay token (a dfs
// path) reproduces that schedule exactly. Each attempt prefers a different thread of the
// cycle to start with; a last one runs the threads in lock-step, one point each in turn,
// until they park (a cycle edge that a thread takes only when another holds a lock: a
// philosopher who, failing try_lock on his right fork, puts the left one down and takes
// them the other way round).
#pragma once

#include <functional>
#include <vector>

#include "controlled_scheduler.h"
#include "lab/finding.h"
#include "strategy.h"

namespace lab::internal {

struct DeadlockSearchResult {
  DeadlockCheck check = DeadlockCheck::kNone;
  int schedules = 0;               // directed schedules run
  std::vector<Finding> deadlocks;  // kConfirmed: the deadlock of the schedule that found it
};

// Runs one schedule of the body under `strategy` (BeginSchedule already called).
using RunDirected = std::function<ScheduleOutcome(SchedulingStrategy* strategy)>;

// Searches for a schedule in which the cycle of `inversion` (a lock-order-inversion whose
// steps follow its objects, see report_text.cc) really deadlocks. An inversion of one
// thread is kOneThread without running anything.
DeadlockSearchResult SearchDeadlock(const Finding& inversion, const RunDirected& run);

// The strategy, exposed for tests: parks each thread of `edges` at its cycle acquisition.
struct CycleEdgeByName {
  std::string thread;  // takes `wanted` while holding `held`
  std::string held;
  std::string wanted;
};
std::unique_ptr<SchedulingStrategy> MakeDirectedStrategy(std::vector<CycleEdgeByName> edges,
                                                         int first, bool lock_step = false);

}  // namespace lab::internal
