// vector_clock.cc — the linear-time operations of VectorClock.
//
// The vector only ever grows to the largest Tid that holds a non-zero component, so
// every comparison treats missing entries as 0 (Get does) and two clocks of different
// lengths compare as if the shorter one were padded with zeros.
#include "vector_clock.h"

#include <algorithm>
#include <cassert>

namespace lab::internal {

void VectorClock::SetGrow(Tid t, std::uint32_t v) {
  assert(t != kNoTid && "a vector clock has no component for kNoTid");
  // Absent entries already read as 0: storing a 0 must not grow the vector.
  if (v == 0) return;
  c_.resize(static_cast<std::size_t>(t) + 1, 0);
  c_[t] = v;
}

bool VectorClock::Join(const VectorClock& o) {
  bool changed = false;
  if (o.c_.size() > c_.size()) c_.resize(o.c_.size(), 0);
  for (std::size_t i = 0; i < o.c_.size(); ++i) {
    if (o.c_[i] > c_[i]) {
      c_[i] = o.c_[i];
      changed = true;
    }
  }
  return changed;
}

bool VectorClock::JoinCovered(const VectorClock& o) {
  bool covered = true;
  if (o.c_.size() > c_.size()) c_.resize(o.c_.size(), 0);
  for (std::size_t i = 0; i < o.c_.size(); ++i) {
    if (c_[i] > o.c_[i]) {
      covered = false;
    } else {
      c_[i] = o.c_[i];
    }
  }
  for (std::size_t i = o.c_.size(); i < c_.size(); ++i) {
    if (c_[i] != 0) covered = false;
  }
  return covered;
}

bool VectorClock::LessOrEqual(const VectorClock& o) const {
  const std::size_t common = std::min(c_.size(), o.c_.size());
  for (std::size_t i = 0; i < common; ++i) {
    if (c_[i] > o.c_[i]) return false;
  }
  // Components of this beyond `o` compare against an implicit 0.
  for (std::size_t i = common; i < c_.size(); ++i) {
    if (c_[i] != 0) return false;
  }
  return true;
}

}  // namespace lab::internal
