// shrink.cc — see shrink.h.
#include "shrink.h"

#include <algorithm>
#include <cstdint>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace lab::internal {
namespace {

// "Thread `self_tid`, at its scheduling point `self_point`, hands over to `target_tid`"
// (or wakes it spuriously).
struct Deviation {
  std::uint32_t self_tid = 0;
  std::uint32_t self_point = 0;
  std::uint32_t target_tid = 0;
  bool spurious = false;
};

std::uint64_t Anchor(std::uint32_t tid, std::uint32_t point) {
  return (static_cast<std::uint64_t>(tid) << 32) | point;
}

// Takes option 0 everywhere except at the anchors of its plan, where it picks the planned
// thread if that thread is an option there (and option 0 if not).
class PlanStrategy : public SchedulingStrategy {
 public:
  explicit PlanStrategy(const std::vector<Deviation>& plan) {
    for (const Deviation& d : plan) plan_.emplace(Anchor(d.self_tid, d.self_point), d);
  }
  bool BeginSchedule(int index) override { return index == 0; }
  int Pick(const ChoiceView& c) override {
    const auto it = plan_.find(Anchor(c.self_tid, c.self_point));
    if (it == plan_.end()) return 0;
    const Deviation& d = it->second;
    const int lo = d.spurious ? c.num_runnable : 0;
    const int hi = d.spurious ? c.options() : c.num_runnable;
    for (int i = lo; i < hi; ++i) {
      if (c.tids[i] == d.target_tid) return i;
    }
    return 0;
  }
  std::string Token() const override { return "plan"; }  // never printed

 private:
  std::unordered_map<std::uint64_t, Deviation> plan_;
};

// A failing schedule as the shrinker compares them: smaller Score is simpler.
struct Candidate {
  std::vector<Deviation> plan;
  std::vector<char> preemptive;  // per deviation: it switched away from a runnable thread
  std::vector<int> path;
  int preemptions = 0;
  int spurious = 0;
  std::int64_t steps = 0;
  // Fewest preemptions and spurious wake-ups together (a wake-up the scheduler injects is
  // not a preemption, but must not buy one back: otherwise a run that "wakes" a waiter
  // spuriously instead of preempting would count as simpler), then fewest preemptions,
  // then fewest steps.
  int Total() const { return preemptions + spurious; }
  auto Score() const { return std::make_tuple(Total(), preemptions, steps, plan.size()); }
};

Candidate Observe(const std::vector<ChoiceRecord>& choices, const RunStats& stats) {
  Candidate c;
  c.preemptions = stats.preemptions;
  c.spurious = stats.spurious_wakeups;
  c.steps = stats.steps;
  c.path.reserve(choices.size());
  for (const ChoiceRecord& r : choices) {
    c.path.push_back(r.pick);
    if (r.pick != 0) {
      c.plan.push_back({r.self_tid, r.self_point, r.picked_tid, r.spurious()});
      c.preemptive.push_back(r.preemptive() ? 1 : 0);
    }
  }
  return c;
}

class Shrinker {
 public:
  Shrinker(const CandidateRunner& run, const std::string& key, int budget)
      : run_(run), key_(key), budget_(budget) {}

  // Runs `strategy` (BeginSchedule(0) already called) as one candidate; true when it fails
  // with the key and is simpler than the best so far, which it then becomes.
  bool Try(SchedulingStrategy& strategy) {
    if (!Left()) return false;
    ++runs_;
    CandidateRun r = run_(strategy);
    if (r.outcome.hang) {
      hung_ = true;  // the abandoned fiber may hold state: no more runs
      return false;
    }
    if (r.outcome.findings.empty() || FindingKey(r.outcome.findings.front()) != key_) return false;
    Candidate c = Observe(r.choices, r.outcome.stats);
    // Simpler. Longer than the schedule found only for fewer preemptions and wake-ups:
    // fewest preemptions come first (DESIGN §7), and a schedule that runs each thread on
    // instead of switching often takes more steps (a random one with 70 preemptions of an
    // if-not-while bug was shorter than the one with a single spurious wake-up). For the
    // same count, the report never gets longer.
    if (!(c.Score() < best_.Score())) return false;
    if (c.steps > max_steps_ && c.Total() >= best_.Total()) return false;
    best_ = std::move(c);
    return true;
  }
  bool TryPlan(const std::vector<Deviation>& plan) {
    PlanStrategy s(plan);
    s.BeginSchedule(0);
    return Try(s);
  }

  // Delta debugging (ddmin's complement step): drop a chunk of deviations; on success
  // continue from the simpler schedule, else try smaller chunks, down to single ones.
  void DropDeviations() {
    std::size_t parts = 2;
    while (Left() && !best_.plan.empty()) {
      const std::size_t n = best_.plan.size();
      parts = std::min(parts, n);
      const std::size_t chunk = (n + parts - 1) / parts;
      bool progress = false;
      // Latest deviations first: they are the likeliest to be unrelated to the finding.
      for (std::size_t end = n; end > 0 && Left();) {
        const std::size_t start = end >= chunk ? end - chunk : 0;
        std::vector<Deviation> plan(best_.plan.begin(), best_.plan.begin() + start);
        plan.insert(plan.end(), best_.plan.begin() + end, best_.plan.end());
        if (TryPlan(plan)) {
          progress = true;
          break;
        }
        end = start;
      }
      if (progress) {
        parts = std::max<std::size_t>(parts - 1, 2);
        continue;
      }
      if (chunk == 1) break;
      parts = std::min(parts * 2, n);
    }
  }

  // Most bugs need one preemption, which the deviations of a found schedule often carry
  // at the right place but towards the wrong thread, or behind other preemptions that set
  // up a different order (the tested thread started before the others). Tries each
  // preemptive deviation alone, towards every thread, with and without the schedule's free
  // choices (which thread runs when the running one blocks).
  bool SinglePreemption() {
    if (best_.preemptions <= 1) return false;
    std::vector<Deviation> free_choices;
    std::vector<Deviation> preemptive;
    for (std::size_t i = 0; i < best_.plan.size(); ++i) {
      (best_.preemptive[i] ? preemptive : free_choices).push_back(best_.plan[i]);
    }
    std::vector<std::uint32_t> targets;
    for (const Deviation& d : best_.plan) {
      targets.push_back(d.self_tid);
      targets.push_back(d.target_tid);
    }
    std::sort(targets.begin(), targets.end());
    targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
    for (const Deviation& d : preemptive) {
      for (std::uint32_t t : targets) {
        if (t == d.self_tid || !Left()) continue;
        Deviation one = d;
        one.target_tid = t;
        one.spurious = false;
        std::vector<Deviation> with_free = free_choices;
        with_free.push_back(one);
        if (TryPlan({one}) || TryPlan(with_free)) return true;
      }
    }
    return false;
  }

  // A bug that needs a spurious wake-up (an `if` where a `while` belongs) needs that one
  // wake-up, of the right waiter: tries each spurious wake-up of the schedule alone, with
  // and without the schedule's free choices, before any search.
  bool SingleSpurious() {
    if (best_.spurious == 0 || best_.preemptions + best_.spurious <= 1) return false;
    std::vector<Deviation> free_choices;
    std::vector<Deviation> wakeups;
    for (std::size_t i = 0; i < best_.plan.size(); ++i) {
      if (best_.plan[i].spurious) {
        wakeups.push_back(best_.plan[i]);
      } else if (!best_.preemptive[i]) {
        free_choices.push_back(best_.plan[i]);
      }
    }
    for (const Deviation& d : wakeups) {
      if (!Left()) break;
      std::vector<Deviation> with_free = free_choices;
      with_free.push_back(d);
      if (TryPlan({d}) || TryPlan(with_free)) return true;
    }
    return false;
  }

  // Iterative context bounding below the best: the first failing schedule with at most b
  // preemptions and s spurious wake-ups, by growing b + s, fewer preemptions first (b = 0,
  // s = 1 before b = 1, s = 0). Spurious wake-ups are searched only as far as the schedule
  // found needed them (at most 2). Each bound gets half of what is left: most bugs need
  // 0 to 2 of either, and a bound whose space is small ends early and leaves the rest.
  bool BoundedSearch() {
    const int target = best_.preemptions + best_.spurious;
    const int max_spurious = std::min(best_.spurious, 2);
    for (int total = 0; total < target && Left(); ++total) {
      for (int bound = std::max(0, total - max_spurious); bound <= total && Left(); ++bound) {
        const int share = std::max(1, Remaining() / 2);
        auto dfs = MakeDfsStrategy(bound, total - bound);
        for (int i = 0; i < share && Left(); ++i) {
          if (!dfs->BeginSchedule(i)) break;  // the bounded space is done: none within it
          if (Try(*dfs)) return true;
        }
      }
    }
    return false;
  }

  bool Left() const { return !hung_ && runs_ < budget_; }
  int Remaining() const { return budget_ - runs_; }
  Candidate& best() { return best_; }
  void Start(Candidate found) {
    max_steps_ = found.steps;
    best_ = std::move(found);
  }
  int runs() const { return runs_; }
  bool hung() const { return hung_; }

 private:
  const CandidateRunner& run_;
  const std::string& key_;
  int budget_;
  int runs_ = 0;
  bool hung_ = false;
  std::int64_t max_steps_ = 0;
  Candidate best_;
};

}  // namespace

ShrinkResult ShrinkSchedule(const CandidateRunner& run, const std::vector<ChoiceRecord>& failing,
                            const RunStats& failing_stats, const std::string& key, int budget) {
  Shrinker s(run, key, budget);
  s.Start(Observe(failing, failing_stats));
  s.DropDeviations();
  if (s.SinglePreemption()) s.DropDeviations();
  if (s.SingleSpurious()) s.DropDeviations();
  // Each success lowers the bound of the next search, so this ends.
  while (s.best().preemptions + s.best().spurious > 0 && s.BoundedSearch()) s.DropDeviations();
  ShrinkResult r;
  r.path = s.best().path;
  // Trailing option-0 choices are what a path replays anyway past its end.
  while (!r.path.empty() && r.path.back() == 0) r.path.pop_back();
  r.runs = s.runs();
  r.preemptions = s.best().preemptions;
  r.spurious_wakeups = s.best().spurious;
  r.steps = s.best().steps;
  r.hung = s.hung();
  return r;
}

}  // namespace lab::internal
