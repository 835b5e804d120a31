// vector_clock.cc — the out-of-line operations of VectorClock: growth, the join of heap
// clocks, LessOrEqual.
//
// The vector only ever grows to the largest Tid that holds a non-zero component, so
// every comparison treats missing entries as 0 (Get does) and two clocks of different
// lengths compare as if the shorter one were padded with zeros.
#include "vector_clock.h"

#include <cassert>

namespace lab::internal {

void VectorClock::SetGrow(Tid t, std::uint32_t v) {
  assert(t != kNoTid && "a vector clock has no component for kNoTid");
  // Absent entries already read as 0: storing a 0 must not grow the vector.
  if (v == 0) return;
  Widen(t + 1);
  p_[t] = v;
}

void VectorClock::Reserve(std::uint32_t n) {
  std::uint32_t cap = cap_;
  while (cap < n) cap *= 2;
  auto* d = new std::uint32_t[cap];
  if (size_ != 0) std::memcpy(d, p_, size_ * sizeof(std::uint32_t));
  FreeHeap();
  p_ = d;
  cap_ = cap;
}

bool VectorClock::JoinScalar(const VectorClock& o, std::uint32_t* uncovered) {
  const std::uint32_t n = o.size_;
  std::uint32_t unc = 0;
  // Components of this beyond `o` compare against an implicit 0.
  for (std::uint32_t i = n; i < size_; ++i) unc |= p_[i];
  if (n > size_) Widen(n);
  std::uint32_t* a = p_;
  const std::uint32_t* b = o.p_;
  std::uint32_t changed = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::uint32_t x = a[i];
    const std::uint32_t y = b[i];
    changed |= static_cast<std::uint32_t>(y > x);
    unc |= static_cast<std::uint32_t>(x > y);
    a[i] = y > x ? y : x;
  }
  if (uncovered != nullptr) *uncovered |= unc;
  return changed != 0;
}

bool VectorClock::LessOrEqual(const VectorClock& o) const {
  const std::uint32_t common = std::min(size_, o.size_);
  for (std::uint32_t i = 0; i < common; ++i) {
    if (p_[i] > o.p_[i]) return false;
  }
  // Components of this beyond `o` compare against an implicit 0.
  for (std::uint32_t i = common; i < size_; ++i) {
    if (p_[i] != 0) return false;
  }
  return true;
}

}  // namespace lab::internal
