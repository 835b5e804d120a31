// shrink.h — the simplest failing schedule (DESIGN §7): once a schedule fails, look for one
// with fewer preemptions, then fewer steps, whose first finding is still the same finding
// (lab::FindingKey), the way Shuttle and QuickCheck shrink a failing run.
//
// A schedule is described by its deviations from the default choice (option 0: the running
// thread goes on; when it cannot, the lowest runnable thread). Each deviation is anchored
// in the progress of the thread that reached the point ("thread 2 at its 7th scheduling
// point switched to thread 3"), not in the global step count, so removing one deviation
// leaves the others meaning what they meant. The search, within a budget of runs:
//   1. delta debugging over the deviations: drop chunks, halving the chunk size, and keep
//      a candidate when its first finding has the key and it is simpler (fewer preemptions
//      and spurious wake-ups together, then fewer preemptions, then fewer steps, then fewer
//      deviations) and no longer than the schedule found;
//   2. each preemption of the result alone, towards each thread (with and without the
//      other free choices): most bugs need one preemption, put in the right place; then
//      each spurious wake-up alone (an `if` where a `while` belongs needs one);
//   3. when preemptions or wake-ups remain, a bounded exhaustive search with bounds 0, 1, ...
//      below the count found, which proves or improves the minimum for small scenarios.
//   A schedule 2 or 3 finds is shrunk again by 1.
// A preemption is a switch from a thread that could go on to another runnable one; a
// spurious wake-up the scheduler injects is not one, and is counted apart.
// The result is the list of choices of the simplest schedule, replayed by a "min" token.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "controlled_scheduler.h"
#include "strategy.h"

namespace lab::internal {

// What one schedule run under a given strategy produced (the strategy's BeginSchedule was
// called by the shrinker).
struct CandidateRun {
  ScheduleOutcome outcome;
  std::vector<ChoiceRecord> choices;
};
using CandidateRunner = std::function<CandidateRun(SchedulingStrategy& strategy)>;

struct ShrinkResult {
  std::vector<int> path;  // choices of the simplest failing schedule found (maybe the original)
  int runs = 0;           // schedules run while shrinking (at most the budget)
  int preemptions = 0;    // of that schedule
  int spurious_wakeups = 0;
  std::int64_t steps = 0;
  bool hung = false;      // a candidate hung (watchdog): the caller must run nothing more
};

// `failing` is the failing schedule (its choices and stats), `key` the FindingKey of its
// first finding. Never runs more than `budget` schedules; stops early on a hang.
ShrinkResult ShrinkSchedule(const CandidateRunner& run, const std::vector<ChoiceRecord>& failing,
                            const RunStats& failing_stats, const std::string& key, int budget);

}  // namespace lab::internal
