// dfs_strategy.cc — bounded-exhaustive search: every schedule with at most k preemptions.
//
// Stateless model checking (CHESS-style iterative context bounding): the search keeps
// the stack of choice points of the current schedule; the next schedule replays the
// prefix up to the deepest point with an untried option that fits the preemption bound,
// takes that option, and continues with option 0 (no preemption) after it. Switching away
// from a thread that could go on costs one preemption, and so does a spurious wake-up.
// When the stack empties, every schedule within the bound has been run exactly once.
// Also the replay strategy of a "dfs" token: a fixed path of choices.
#include <string>
#include <vector>

#include "strategy.h"

namespace lab::internal {
namespace {

int Cost(const ChoiceView& c, int option) {
  if (option >= c.num_runnable) return 1;  // spurious wake-up
  return (c.current_first && option > 0) ? 1 : 0;
}

std::string EncodePath(const std::vector<int>& path) {
  // Items joined by '-': "v" or "vxN" for N repeats of v. Shell-safe.
  std::string out;
  for (std::size_t i = 0; i < path.size();) {
    std::size_t j = i;
    while (j < path.size() && path[j] == path[i]) ++j;
    if (!out.empty()) out += '-';
    out += std::to_string(path[i]);
    if (j - i > 1) out += "x" + std::to_string(j - i);
    i = j;
  }
  return out.empty() ? "0x0" : out;
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

class PathStrategy : public SchedulingStrategy {
 public:
  explicit PathStrategy(std::vector<int> path, std::string token)
      : path_(std::move(path)), token_(std::move(token)) {}
  bool BeginSchedule(int index) override {
    depth_ = 0;
    return index == 0;
  }
  int Pick(const ChoiceView& c) override {
    int p = depth_ < path_.size() ? path_[depth_] : 0;
    ++depth_;
    return p < c.options() ? p : c.options() - 1;
  }
  std::string Token() const override { return token_; }

 private:
  std::vector<int> path_;
  std::string token_;
  std::size_t depth_ = 0;
};

bool DecodePath(const std::string& s, std::vector<int>* out) {
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t j = s.find('-', i);
    if (j == std::string::npos) j = s.size();
    std::string item = s.substr(i, j - i);
    std::size_t x = item.find('x');
    try {
      int v = std::stoi(item.substr(0, x));
      long n = x == std::string::npos ? 1 : std::stol(item.substr(x + 1));
      if (v < 0 || n < 0 || n > 10'000'000) return false;
      out->insert(out->end(), static_cast<std::size_t>(n), v);
    } catch (...) {
      return false;
    }
    i = j + 1;
  }
  return true;
}

}  // namespace

std::string DfsPathToken(const std::vector<int>& path) { return "dfs." + EncodePath(path); }

std::unique_ptr<SchedulingStrategy> MakeDfsStrategy(int preemption_bound) {
  return std::make_unique<DfsStrategy>(preemption_bound);
}

ReplaySpec ParseReplayToken(const std::string& token) {
  ReplaySpec r;
  std::vector<std::string> parts;
  std::size_t i = 0;
  while (i <= token.size()) {
    std::size_t j = token.find('.', i);
    if (j == std::string::npos) j = token.size();
    parts.push_back(token.substr(i, j - i));
    i = j + 1;
  }
  if (!parts.empty() && parts.back() == "s") {
    r.spurious = true;
    parts.pop_back();
  }
  auto bad = [&](const char* why) {
    r.strategy.reset();
    r.error = std::string("bad replay token '") + token + "': " + why;
    return std::move(r);
  };
  if (parts.size() < 2 || parts[0] != "v1") return bad("it should start with v1.");
  try {
    if (parts[1] == "random" && parts.size() == 4) {
      r.kind = lab::Strategy::kRandom;
      r.strategy = MakeRandomStrategy(std::stoull(parts[2]));
      r.index = std::stoi(parts[3]);
    } else if (parts[1] == "pct" && parts.size() == 5) {
      r.kind = lab::Strategy::kPct;
      r.strategy = MakePctStrategy(std::stoull(parts[2]), std::stoi(parts[3]));
      r.index = std::stoi(parts[4]);
    } else if (parts[1] == "rr" && parts.size() == 2) {
      r.kind = lab::Strategy::kRoundRobin;
      r.strategy = MakeRoundRobinStrategy();
    } else if (parts[1] == "dfs" && parts.size() == 3) {
      std::vector<int> path;
      if (!DecodePath(parts[2], &path)) return bad("the dfs path does not decode");
      r.kind = lab::Strategy::kExhaustive;
      r.strategy = std::make_unique<PathStrategy>(std::move(path), "dfs." + parts[2]);
    } else {
      return bad("unknown strategy or wrong number of fields");
    }
  } catch (...) {
    return bad("a number does not parse");
  }
  if (r.index < 0) return bad("negative schedule index");
  return r;
}

}  // namespace lab::internal
