// random_strategy.h — uniform random choice at every scheduling point.
//
// Schedule i of seed s draws from Rng(Mix64(s) + i), so a token (seed, i) replays it.
// A spurious wake-up is taken with probability 1/16 when one is possible.
//
// In a header, and final, because it is the default strategy and the scheduler's
// per-step path calls PickOf directly when it runs this strategy (one inlined draw instead
// of a ChoiceView and a virtual call: ControlledScheduler::Reschedule). Pick and PickOf
// draw the same numbers, so a seed's schedules do not depend on which one was called.
#pragma once

#include <cstdint>
#include <string>

#include "strategy.h"

namespace lab::internal {

class RandomStrategy final : public SchedulingStrategy {
 public:
  explicit RandomStrategy(std::uint64_t seed) : seed_(seed) {}
  bool BeginSchedule(int index) override {
    index_ = index;
    rng_ = Rng(Mix64(seed_) + static_cast<std::uint64_t>(index));
    return true;
  }
  int Pick(const ChoiceView& c) override { return PickOf(c.num_runnable, c.num_spurious); }
  // The option among `nr` runnable threads and `ns` spurious wake-ups (nr + ns > 0).
  [[gnu::always_inline]] int PickOf(int nr, int ns) {
    if (ns > 0 && rng_.Below(16) == 0) {
      return nr + static_cast<int>(rng_.Below(static_cast<std::uint32_t>(ns)));
    }
    if (nr == 0) return static_cast<int>(rng_.Below(static_cast<std::uint32_t>(ns)));
    return static_cast<int>(rng_.Below(static_cast<std::uint32_t>(nr)));
  }
  std::string Token() const override;

 private:
  std::uint64_t seed_;
  int index_ = 0;
  Rng rng_;
};

}  // namespace lab::internal
