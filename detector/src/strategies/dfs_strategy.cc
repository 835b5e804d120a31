// dfs_strategy.cc — bounded-exhaustive search: every schedule with at most k preemptions.
//
// Stateless model checking (CHESS-style iterative context bounding): the search keeps
// the stack of choice points of the current schedule; the next schedule replays the
// prefix up to the deepest point with an untried option that fits the preemption bound,
// takes that option, and continues with option 0 (no preemption) after it. Switching away
// from a thread that could go on costs one preemption, and so does a spurious wake-up.
// When the stack empties, every schedule within the bound has been run exactly once.
// Which waiter a wake-up wakes (ChoiceView::wake) is a choice too: waking another than the
// longest waiter is no preemption, but counts one toward the combined bound, as a spurious
// wake-up does (free, the DFS of a program whose unlocks often find several blocked lockers
// grew past a million schedules at bound 2).
// The shrinker's variant bounds the two apart (a spurious wake-up is not a preemption):
// at most k switches away from a running thread to another runnable one, and at most s
// spurious wake-ups.
// Its token is the path of choices (path_strategy.cc replays it).
#include <string>
#include <vector>

#include "strategy.h"

namespace lab::internal {
namespace {

// What taking one option costs: a preemption (a switch from the running thread to another
// runnable one) or a spurious wake-up. Combined (the exploration's bound), a spurious
// wake-up costs one preemption.
struct Cost {
  int preemptions = 0;
  int spurious = 0;
  int wakes = 0;  // wake-ups of another than the longest waiter
};
Cost CostOf(int num_runnable, bool current_first, bool wake, int option) {
  if (wake) return {0, 0, option > 0 ? 1 : 0};
  if (option >= num_runnable) return {0, 1, 0};
  return {(current_first && option > 0) ? 1 : 0, 0, 0};
}

class DfsStrategy : public SchedulingStrategy {
 public:
  // spurious_bound < 0: one bound for both (a spurious wake-up costs a preemption).
  DfsStrategy(int bound, int spurious_bound) : bound_(bound), spurious_bound_(spurious_bound) {}

  bool BeginSchedule(int index) override {
    depth_ = 0;
    cost_ = {};
    if (index == 0) {
      stack_.clear();
      return !exhausted_;
    }
    while (!stack_.empty()) {
      Node& top = stack_.back();
      for (int j = top.chosen + 1; j < top.n; ++j) {
        const Cost c = CostOf(top.num_runnable, top.current_first, top.wake, j);
        if (Fits(Add(top.cost_before, c))) {
          top.chosen = j;
          return true;
        }
      }
      stack_.pop_back();
    }
    exhausted_ = true;
    return false;
  }

  int Pick(const ChoiceView& c) override {
    if (depth_ < stack_.size()) {
      Node& n = stack_[depth_++];
      // A program that is not deterministic under a fixed schedule changes the tree; take
      // the closest legal option rather than crash.
      int pick = n.chosen < c.options() ? n.chosen : c.options() - 1;
      cost_ = Add(cost_, CostOf(c.num_runnable, c.current_first, c.wake, pick));
      return pick;
    }
    Node n;
    n.n = c.options();
    n.chosen = 0;
    n.cost_before = cost_;
    n.num_runnable = c.num_runnable;
    n.current_first = c.current_first;
    n.wake = c.wake;
    stack_.push_back(n);
    ++depth_;
    return 0;
  }

  std::string Token() const override {
    std::vector<int> path;
    for (std::size_t i = 0; i < depth_ && i < stack_.size(); ++i) path.push_back(stack_[i].chosen);
    return "dfs." + EncodePath(path);
  }
  bool Exhausted() const override { return exhausted_; }

 private:
  struct Node {
    int n = 0;
    int chosen = 0;
    Cost cost_before;
    int num_runnable = 0;
    bool current_first = false;
    bool wake = false;
  };
  static Cost Add(Cost a, Cost b) {
    return {a.preemptions + b.preemptions, a.spurious + b.spurious, a.wakes + b.wakes};
  }
  // The shrinker's bounds leave wake-ups free: its schedules are judged by preemptions and
  // spurious wake-ups alone, and its search has a budget of runs.
  bool Fits(Cost c) const {
    if (spurious_bound_ < 0) return c.preemptions + c.spurious + c.wakes <= bound_;
    return c.preemptions <= bound_ && c.spurious <= spurious_bound_;
  }
  int bound_;
  int spurious_bound_;
  std::vector<Node> stack_;
  std::size_t depth_ = 0;
  Cost cost_;
  bool exhausted_ = false;
};

}  // namespace

std::string DfsPathToken(const std::vector<int>& path) { return "dfs." + EncodePath(path); }

std::unique_ptr<SchedulingStrategy> MakeDfsStrategy(int preemption_bound) {
  return std::make_unique<DfsStrategy>(preemption_bound, -1);
}

std::unique_ptr<SchedulingStrategy> MakeDfsStrategy(int preemption_bound, int spurious_bound) {
  return std::make_unique<DfsStrategy>(preemption_bound, spurious_bound);
}

}  // namespace lab::internal
