// path_strategy.cc — a schedule as the list of its choices, the way Shuttle serialises one.
//
// The list holds the option taken at every real choice (more than one option), in order;
// past its end, option 0 ("go on": the running thread continues, or the lowest runnable
// thread when it cannot). Nothing else is needed to rerun the schedule: it is the replay
// of an exhaustive-search schedule ("dfs") and of a shrunk one ("min"). Since a shrunk
// schedule is mostly option 0, runs compress well: "0x41-1-0x17-2-0x9".
#include <string>
#include <vector>

#include "strategy.h"

namespace lab::internal {
namespace {

class PathStrategy : public SchedulingStrategy {
 public:
  PathStrategy(std::vector<int> path, std::string name)
      : path_(std::move(path)), name_(std::move(name)) {}
  bool BeginSchedule(int index) override {
    depth_ = 0;
    diverged_.clear();
    return index == 0;
  }
  int Pick(const ChoiceView& c) override {
    const int p = depth_ < path_.size() ? path_[depth_] : 0;
    ++depth_;
    // A program that is not deterministic under a fixed schedule offers other options:
    // take the closest legal one rather than crash (the shrinker's candidates rely on it),
    // and say so for a replay (Diverged).
    if (p >= c.options() && diverged_.empty()) {
      diverged_ = "its choice " + std::to_string(depth_) + " is option " + std::to_string(p) +
                  ", and the program offered options 0 to " + std::to_string(c.options() - 1);
    }
    return p < c.options() ? p : c.options() - 1;
  }
  void EndSchedule(std::int64_t) override {
    if (depth_ < path_.size() && diverged_.empty()) {
      diverged_ = "it lists " + std::to_string(path_.size()) + " choices, and the schedule " +
                  "ended after " + std::to_string(depth_);
    }
  }
  std::string Diverged() const override { return diverged_; }
  std::string Token() const override { return name_ + "." + EncodePath(path_); }
  bool Minimal() const override { return name_ == "min"; }

 private:
  std::vector<int> path_;
  std::string name_;
  std::size_t depth_ = 0;
  std::string diverged_;
};

}  // namespace

std::unique_ptr<SchedulingStrategy> MakePathStrategy(std::vector<int> path, std::string name) {
  return std::make_unique<PathStrategy>(std::move(path), std::move(name));
}

std::string EncodePath(const std::vector<int>& path) {
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

bool DecodePath(const std::string& s, std::vector<int>* out) {
  if (s.empty() || s.back() == '-') return false;  // a cut token ("0x18-"): not a shorter one
  // Digits, 'x' and '-' only: std::stoi would also take " 5" and "+5".
  if (s.find_first_not_of("0123456789x-") != std::string::npos) return false;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t j = s.find('-', i);
    if (j == std::string::npos) j = s.size();
    const std::string item = s.substr(i, j - i);
    if (item.empty()) return false;
    const std::size_t x = item.find('x');
    try {
      std::size_t used = 0;
      const std::string value = item.substr(0, x);
      const int v = std::stoi(value, &used);
      if (used != value.size()) return false;
      long n = 1;
      if (x != std::string::npos) {
        const std::string count = item.substr(x + 1);
        n = std::stol(count, &used);
        if (used != count.size()) return false;
      }
      if (v < 0 || n < 0 || n > 10'000'000 || out->size() + static_cast<std::size_t>(n) > 10'000'000) {
        return false;
      }
      out->insert(out->end(), static_cast<std::size_t>(n), v);
    } catch (...) {
      return false;
    }
    i = j + 1;
  }
  return true;
}

}  // namespace lab::internal
