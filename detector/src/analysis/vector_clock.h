// vector_clock.h — vector clocks and epochs for happens-before.
//
// VectorClock maps a Tid to a logical clock; absent entries are 0. Epoch is FastTrack's
// c@t: one component, enough to represent the last write (and, usually, the last read) of
// a variable. No internal locking: the owner (a thread, a lock, a variable) protects it.
// Cost: Join, Assign and LessOrEqual are linear in the number of threads of the run;
// Get/Set/Tick are O(1).
//
// Storage: the first kInline components live inside the clock (no allocation, no pointer
// chase to a separate block: a controlled run joins and compares clocks of a handful of
// threads on most operations, about 40 times a schedule of the bounded buffer); a clock
// that grows beyond them moves to the heap. The components past size() are not part of
// the clock (they read as 0 through Get); in the inline storage they are kept 0, so two
// inline clocks are joined lane by lane over all of it, without looking at the sizes.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "lab/internal/site.h"

namespace lab::internal {

struct Epoch {
  Tid tid = kNoTid;
  std::uint32_t clock = 0;
  bool none() const { return tid == kNoTid; }
};

class VectorClock {
 public:
  static constexpr std::uint32_t kInline = 8;

  VectorClock() = default;
  VectorClock(const VectorClock& o) { CopyFrom(o); }
  VectorClock& operator=(const VectorClock& o) {
    if (this != &o) CopyFrom(o);
    return *this;
  }
  VectorClock(VectorClock&& o) noexcept { MoveFrom(o); }
  VectorClock& operator=(VectorClock&& o) noexcept {
    if (this != &o) {
      FreeHeap();
      MoveFrom(o);
    }
    return *this;
  }
  ~VectorClock() { FreeHeap(); }

  std::uint32_t Get(Tid t) const { return t < size_ ? p_[t] : 0; }
  void Set(Tid t, std::uint32_t v) {
    if (t < size_) {
      p_[t] = v;
    } else {
      SetGrow(t, v);
    }
  }
  void Tick(Tid t) {
    if (t < size_) {
      ++p_[t];
    } else {
      SetGrow(t, 1);
    }
  }
  // Component t is stored (Get/Set/Tick on it need no growth).
  bool Stores(Tid t) const { return t < size_; }
  std::uint32_t& At(Tid t) { return p_[t]; }  // requires Stores(t)
  // Pointwise max with `o`. Returns true when this clock changed.
  // Inline: the hot callers (acquire, release) join clocks of a few components, where a
  // call and a mispredicted branch per component cost more than the work. Two inline
  // clocks are joined all kInline lanes at once (the lanes past size() are 0).
  bool Join(const VectorClock& o) {
#if defined(__SSE2__)
    if (BothInline(o)) {
      unsigned changed = 0;
      unsigned uncovered = 0;
      MaxLanes(inline_, o.inline_, &changed, &uncovered);
      size_ = std::max(size_, o.size_);
      return changed != 0;
    }
#endif
    return JoinScalar(o, nullptr);
  }
  // Pointwise max with `o`, in the same pass answering whether this clock was
  // LessOrEqual(o) before (a release publishing a clock that covers the old one).
  bool JoinCovered(const VectorClock& o) {
#if defined(__SSE2__)
    if (BothInline(o)) {
      unsigned changed = 0;
      unsigned uncovered = 0;
      MaxLanes(inline_, o.inline_, &changed, &uncovered);
      size_ = std::max(size_, o.size_);
      return uncovered == 0;
    }
#endif
    std::uint32_t uncovered = 0;
    JoinScalar(o, &uncovered);
    return uncovered == 0;
  }
  void Assign(const VectorClock& o) {
    if (BothInline(o)) {
      // All kInline lanes at once (o's lanes past its size are 0, and so become this's):
      // a fixed-size copy the compiler makes two vector moves, no call.
      std::memcpy(inline_, o.inline_, sizeof(inline_));
      size_ = o.size_;
      return;
    }
    AssignGeneral(o);
  }
  void AssignGeneral(const VectorClock& o) {
    if (o.size_ > cap_) Reserve(o.size_);
    if (o.size_ != 0) std::memmove(p_, o.p_, o.size_ * sizeof(std::uint32_t));
    if (size_ > o.size_) std::fill(p_ + o.size_, p_ + size_, 0u);  // lanes past size: 0
    size_ = o.size_;
  }
  // True when every component of this is <= the one of `o` (this happens before or equals o).
  bool LessOrEqual(const VectorClock& o) const;
  // True when epoch e happens before (or is) this clock: e.clock <= Get(e.tid).
  bool Covers(Epoch e) const { return e.none() || e.clock <= Get(e.tid); }
  Epoch EpochOf(Tid t) const { return Epoch{t, Get(t)}; }
  void Clear() {
    Zero();  // lanes past size() stay 0
    size_ = 0;
  }
  // Every component back to 0, keeping the length (no reallocation when the clock is
  // reused, as controlled runs do schedule after schedule).
  // An inline clock zeroes all its lanes with two vector stores (no call of memset), and
  // an empty one has nothing to zero (its lanes are 0).
  void Zero() {
    if (p_ == inline_) {
      if (size_ != 0) std::memset(inline_, 0, sizeof(inline_));
    } else {
      std::fill(p_, p_ + size_, 0u);
    }
  }
  std::size_t size() const { return size_; }
  // Both clocks keep their components inline: Join and JoinCovered take their SSE2 path
  // (callers test it first to keep the general join, a call, out of their common path).
  bool BothInline(const VectorClock& o) const { return p_ == inline_ && o.p_ == o.inline_; }

 private:
  void SetGrow(Tid t, std::uint32_t v);  // t is beyond the stored components
#if defined(__SSE2__)
  // a = max(a, b) over kInline lanes; `changed` != 0 when some b > a, `uncovered` != 0
  // when some a > b. Unsigned compares as signed ones of the values offset by 2^31 (SSE2
  // has no unsigned compare). Loads before stores: a == b is fine.
  static void MaxLanes(std::uint32_t* a, const std::uint32_t* b, unsigned* changed,
                       unsigned* uncovered) {
    static_assert(kInline == 8, "two vectors of four lanes");
    const __m128i bias = _mm_set1_epi32(static_cast<int>(0x80000000u));
    const __m128i a0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a));
    const __m128i a1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + 4));
    const __m128i b0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b));
    const __m128i b1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 4));
    const __m128i sa0 = _mm_xor_si128(a0, bias);
    const __m128i sa1 = _mm_xor_si128(a1, bias);
    const __m128i sb0 = _mm_xor_si128(b0, bias);
    const __m128i sb1 = _mm_xor_si128(b1, bias);
    const __m128i gt0 = _mm_cmpgt_epi32(sb0, sa0);  // b > a
    const __m128i gt1 = _mm_cmpgt_epi32(sb1, sa1);
    const __m128i lt0 = _mm_cmpgt_epi32(sa0, sb0);  // a > b
    const __m128i lt1 = _mm_cmpgt_epi32(sa1, sb1);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(a),
                     _mm_or_si128(_mm_and_si128(gt0, b0), _mm_andnot_si128(gt0, a0)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(a + 4),
                     _mm_or_si128(_mm_and_si128(gt1, b1), _mm_andnot_si128(gt1, a1)));
    *changed = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(gt0, gt1)));
    *uncovered = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(lt0, lt1)));
  }
#endif
  // The general join (a heap clock on either side). `uncovered`: or-ed with a non-zero
  // value when some component of this exceeded o's (JoinCovered). True when this changed.
  // Out of line (vector_clock.cc), with SSE2: the inline join of two inline clocks then
  // needs no callee-saved registers in its callers.
#if defined(__SSE2__)
  [[gnu::noinline]]
#endif
  bool JoinScalar(const VectorClock& o, std::uint32_t* uncovered);
  // Grows to `n` components (n > size_), the new ones 0.
  void Widen(std::uint32_t n) {
    if (n > cap_) Reserve(n);
    std::fill(p_ + size_, p_ + n, 0u);
    size_ = n;
  }
  void Reserve(std::uint32_t n);  // capacity for n components (n > cap_), keeping size_
  void CopyFrom(const VectorClock& o) { Assign(o); }
  void MoveFrom(VectorClock& o) {
    if (o.p_ == o.inline_) {
      std::memcpy(inline_, o.inline_, sizeof(inline_));
      p_ = inline_;
      cap_ = kInline;
    } else {
      p_ = o.p_;
      cap_ = o.cap_;
      o.p_ = o.inline_;
      o.cap_ = kInline;
    }
    // `o` is an empty inline clock again: its lanes 0 (they may hold an inline past).
    std::memset(o.inline_, 0, sizeof(o.inline_));
    size_ = o.size_;
    o.size_ = 0;
  }
  void FreeHeap() {
    if (p_ != inline_) delete[] p_;
  }

  std::uint32_t* p_ = inline_;
  std::uint32_t size_ = 0;
  std::uint32_t cap_ = kInline;
  std::uint32_t inline_[kInline] = {};
};

}  // namespace lab::internal
