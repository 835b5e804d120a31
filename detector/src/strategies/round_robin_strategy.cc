// round_robin_strategy.cc — no preemption: a thread runs until it blocks or ends, then the
// next runnable thread after it (by creation order) runs. One schedule: the "sequential
// intuition" run, useful as a first, readable baseline.
#include <string>

#include "strategy.h"

namespace lab::internal {
namespace {

class RoundRobinStrategy : public SchedulingStrategy {
 public:
  bool BeginSchedule(int index) override {
    last_ = 0;
    return index == 0;
  }
  int Pick(const ChoiceView& c) override {
    if (c.wake) return 0;  // the longest waiter: the sequential intuition
    if (c.current_first && c.num_runnable > 0) return 0;
    int best = -1;
    int lowest = 0;
    for (int i = 0; i < c.num_runnable; ++i) {
      if (c.tids[i] > last_ && (best < 0 || c.tids[i] < c.tids[best])) best = i;
      if (c.tids[i] < c.tids[lowest]) lowest = i;
    }
    if (best < 0) best = c.num_runnable > 0 ? lowest : 0;
    last_ = c.tids[best];
    return best;
  }
  std::string Token() const override { return "rr"; }
  bool Exhausted() const override { return true; }

 private:
  std::uint32_t last_ = 0;
};

}  // namespace

std::unique_ptr<SchedulingStrategy> MakeRoundRobinStrategy() {
  return std::make_unique<RoundRobinStrategy>();
}

}  // namespace lab::internal
