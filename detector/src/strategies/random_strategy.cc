// random_strategy.cc — uniform random choice at every scheduling point.
//
// Schedule i of seed s draws from Rng(Mix64(s) + i), so a token (seed, i) replays it.
// A spurious wake-up is taken with probability 1/16 when one is possible.
#include <string>

#include "strategy.h"

namespace lab::internal {
namespace {

class RandomStrategy : public SchedulingStrategy {
 public:
  explicit RandomStrategy(std::uint64_t seed) : seed_(seed) {}
  bool BeginSchedule(int index) override {
    index_ = index;
    rng_ = Rng(Mix64(seed_) + static_cast<std::uint64_t>(index));
    return true;
  }
  int Pick(const ChoiceView& c) override {
    if (c.num_spurious > 0 && rng_.Below(16) == 0) {
      return c.num_runnable + static_cast<int>(rng_.Below(c.num_spurious));
    }
    if (c.num_runnable == 0) return static_cast<int>(rng_.Below(c.num_spurious));
    return static_cast<int>(rng_.Below(c.num_runnable));
  }
  std::string Token() const override {
    return "random." + std::to_string(seed_) + "." + std::to_string(index_);
  }

 private:
  std::uint64_t seed_;
  int index_ = 0;
  Rng rng_;
};

}  // namespace

std::unique_ptr<SchedulingStrategy> MakeRandomStrategy(std::uint64_t seed) {
  return std::make_unique<RandomStrategy>(seed);
}

}  // namespace lab::internal
