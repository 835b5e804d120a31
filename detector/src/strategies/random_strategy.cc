// random_strategy.cc — see random_strategy.h.
#include "random_strategy.h"

#include <memory>
#include <string>

namespace lab::internal {

std::string RandomStrategy::Token() const {
  return "random." + std::to_string(seed_) + "." + std::to_string(index_);
}

std::unique_ptr<SchedulingStrategy> MakeRandomStrategy(std::uint64_t seed) {
  return std::make_unique<RandomStrategy>(seed);
}

}  // namespace lab::internal
