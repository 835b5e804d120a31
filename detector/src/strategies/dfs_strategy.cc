// dfs_strategy.cc — bounded-exhaustive search: every schedule with at most k preemptions.
//
// Stateless model checking (CHESS-style iterative context bounding): the search keeps
// the stack of choice points of the current schedule; the next schedule replays the
// prefix up to the deepest point with an untried option that fits the preemption bound,
// takes that option, and continues with option 0 (no preemption) after it. Switching away
// from a thread that could go on costs one preemption, and so does a spurious wake-up.
// When the stack empties, every schedule within the bound has been run exactly once.
// Its token is the path of choices (path_strategy.cc replays it).
#include <string>
#include <vector>

#include "strategy.h"

namespace lab::internal {
namespace {

int Cost(const ChoiceView& c, int option) {
  if (option >= c.num_runnable) return 1;  // spurious wake-up
  return (c.current_first && option > 0) ? 1 : 0;
}

class DfsStrategy : public SchedulingStrategy {
 public:
  explicit DfsStrategy(int bound) : bound_(bound) {}

  bool BeginSchedule(int index) override {
    depth_ = 0;
    cost_ = 0;
    if (index == 0) {
      stack_.clear();
      return !exhausted_;
    }
    while (!stack_.empty()) {
      Node& top = stack_.back();
      for (int j = top.chosen + 1; j < top.n; ++j) {
        const int cost = top.cost_before + top.CostOf(j);
        if (cost <= bound_) {
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
      cost_ += Cost(c, pick);
      return pick;
    }
    Node n;
    n.n = c.options();
    n.chosen = 0;
    n.cost_before = cost_;
    n.num_runnable = c.num_runnable;
    n.current_first = c.current_first;
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
    int cost_before = 0;
    int num_runnable = 0;
    bool current_first = false;
    int CostOf(int j) const {
      if (j >= num_runnable) return 1;
      return (current_first && j > 0) ? 1 : 0;
    }
  };
  int bound_;
  std::vector<Node> stack_;
  std::size_t depth_ = 0;
  int cost_ = 0;
  bool exhausted_ = false;
};

}  // namespace

std::string DfsPathToken(const std::vector<int>& path) { return "dfs." + EncodePath(path); }

std::unique_ptr<SchedulingStrategy> MakeDfsStrategy(int preemption_bound) {
  return std::make_unique<DfsStrategy>(preemption_bound);
}

}  // namespace lab::internal
