// stamped_index.h — a map from word-sized keys to small numbers, for tables a controlled
// run empties at every step or schedule (DPOR's names of objects and words, the event
// recorder's words of a step). Open addressing; a slot counts only while it carries the
// current stamp, so Clear touches no memory and nothing is allocated once the table has
// grown: an unordered_map cleared as often allocated a node per key each time, and in a
// graded program every block also passes through the standard-C++ dialect's allocation
// hooks.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace lab::internal {

class StampedIndex {
 public:
  // The number kept for `key`; when `key` is not there, `value` is kept for it and
  // `*added` says so.
  std::uint32_t Get(std::uintptr_t key, std::uint32_t value, bool* added) {
    if (2 * (size_ + 1) > slots_.size()) Grow();
    Slot& s = SlotOf(key);
    *added = s.stamp != stamp_;
    if (*added) {
      s = {key, value, stamp_};
      ++size_;
    }
    return s.value;
  }
  std::size_t size() const { return size_; }
  void Clear() {
    size_ = 0;
    if (++stamp_ == 0) {  // wrapped: no slot may look current
      for (Slot& s : slots_) s.stamp = 0;
      stamp_ = 1;
    }
  }

 private:
  struct Slot {
    std::uintptr_t key = 0;
    std::uint32_t value = 0;
    std::uint32_t stamp = 0;  // 0: never current
  };
  // The slot of `key`, or the free one where it goes (at most half the slots are current).
  Slot& SlotOf(std::uintptr_t key) {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = ((key >> 3) * 0x9E3779B97F4A7C15ull) >> 40;; ++i) {
      Slot& s = slots_[i & mask];
      if (s.stamp != stamp_ || s.key == key) return s;
    }
  }
  void Grow() {
    std::vector<Slot> old(std::max<std::size_t>(16, 2 * slots_.size()));
    old.swap(slots_);
    for (const Slot& s : old) {
      if (s.stamp == stamp_) SlotOf(s.key) = s;
    }
  }

  std::vector<Slot> slots_;  // a power of two
  std::size_t size_ = 0;
  std::uint32_t stamp_ = 1;
};

}  // namespace lab::internal
