// pct_strategy.cc — Probabilistic Concurrency Testing (Burckhardt et al., ASPLOS 2010).
//
// Every thread gets a random priority when it is created; the highest-priority runnable
// thread always runs. d-1 change points, drawn uniformly over the expected length of a
// schedule, each lower the running thread's priority below every initial one. A bug of
// depth d is then found with probability at least 1/(n·k^(d-1)) per schedule.
// The expected length k is the longest schedule seen so far (200 before the first). The
// change points of schedule i depend on the k it started with, so its token records that k
// (a replay starts a fresh strategy, which has seen nothing).
// A wake-up with several waiters wakes the highest-priority one.
#include <algorithm>
#include <string>
#include <vector>

#include "strategy.h"

namespace lab::internal {
namespace {

class PctStrategy : public SchedulingStrategy {
 public:
  PctStrategy(std::uint64_t seed, int depth, std::int64_t k)
      : seed_(seed), depth_(std::max(1, depth)), k_(std::max<std::int64_t>(1, k)) {}

  bool BeginSchedule(int index) override {
    index_ = index;
    k_used_ = k_;
    rng_ = Rng(Mix64(seed_ ^ 0x5043545043ull) + static_cast<std::uint64_t>(index));
    prio_.clear();
    change_points_.clear();
    for (int i = 1; i < depth_; ++i) {
      change_points_.push_back(1 + static_cast<std::int64_t>(rng_.Below(
                                       static_cast<std::uint32_t>(std::max<std::int64_t>(1, k_)))));
    }
    std::sort(change_points_.begin(), change_points_.end());
    next_change_ = 0;
    return true;
  }

  void OnThreadCreated(std::uint32_t tid) override {
    if (prio_.size() <= tid) prio_.resize(tid + 1, 0);
    // Initial priorities lie above every change-point priority (1 .. d-1).
    prio_[tid] = depth_ + 1 + static_cast<std::int64_t>(rng_.Below(1u << 30));
  }

  int Pick(const ChoiceView& c) override {
    // Which waiter a wake-up wakes: the highest-priority one, as the highest-priority
    // thread runs (priorities are random, so each waiter is the one in some schedules).
    // No change point: the step count has not moved since the last scheduling point.
    if (c.wake) return Highest(c);
    if (c.num_spurious > 0 && (c.num_runnable == 0 || rng_.Below(16) == 0)) {
      return c.num_runnable + static_cast<int>(rng_.Below(c.num_spurious));
    }
    int best = Highest(c);
    while (next_change_ < change_points_.size() && c.step >= change_points_[next_change_]) {
      // Change point i: the thread about to run drops to priority d-1-i.
      Prio(c.tids[best]) = static_cast<std::int64_t>(depth_ - 1 - next_change_);
      ++next_change_;
      best = Highest(c);
    }
    return best;
  }

  void EndSchedule(std::int64_t steps) override { k_ = std::max(k_, steps); }

  std::string Token() const override {
    return "pct." + std::to_string(seed_) + "." + std::to_string(depth_) + "." +
           std::to_string(k_used_) + "." + std::to_string(index_);
  }

 private:
  std::int64_t& Prio(std::uint32_t tid) {
    if (prio_.size() <= tid) OnThreadCreated(tid);
    return prio_[tid];
  }
  int Highest(const ChoiceView& c) {
    int best = 0;
    for (int i = 1; i < c.num_runnable; ++i) {
      if (Prio(c.tids[i]) > Prio(c.tids[best])) best = i;
    }
    return best;
  }

  std::uint64_t seed_;
  int depth_;
  int index_ = 0;
  std::int64_t k_;
  std::int64_t k_used_ = 0;  // the k of the current schedule
  Rng rng_;
  std::vector<std::int64_t> prio_;
  std::vector<std::int64_t> change_points_;
  std::size_t next_change_ = 0;
};

}  // namespace

std::unique_ptr<SchedulingStrategy> MakePctStrategy(std::uint64_t seed, int depth,
                                                    std::int64_t expected_length) {
  return std::make_unique<PctStrategy>(seed, depth, expected_length);
}

}  // namespace lab::internal
