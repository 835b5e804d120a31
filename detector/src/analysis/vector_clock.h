// vector_clock.h — vector clocks and epochs for happens-before.
//
// VectorClock maps a Tid to a logical clock; absent entries are 0. Epoch is FastTrack's
// c@t: one component, enough to represent the last write (and, usually, the last read) of
// a variable. No internal locking: the owner (a thread, a lock, a variable) protects it.
// Cost: Join, Assign and LessOrEqual are linear in the number of threads of the run;
// Get/Set/Tick are O(1).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "lab/internal/site.h"

namespace lab::internal {

struct Epoch {
  Tid tid = kNoTid;
  std::uint32_t clock = 0;
  bool none() const { return tid == kNoTid; }
};

class VectorClock {
 public:
  std::uint32_t Get(Tid t) const { return t < c_.size() ? c_[t] : 0; }
  void Set(Tid t, std::uint32_t v) {
    if (t < c_.size()) {
      c_[t] = v;
    } else {
      SetGrow(t, v);
    }
  }
  void Tick(Tid t) {
    if (t < c_.size()) {
      ++c_[t];
    } else {
      SetGrow(t, 1);
    }
  }
  // Component t is stored (Get/Set/Tick on it need no growth).
  bool Stores(Tid t) const { return t < c_.size(); }
  std::uint32_t& At(Tid t) { return c_[t]; }  // requires Stores(t)
  // Pointwise max with `o`. Returns true when this clock changed.
  bool Join(const VectorClock& o);
  // Pointwise max with `o`, in the same pass answering whether this clock was
  // LessOrEqual(o) before (a release publishing a clock that covers the old one).
  bool JoinCovered(const VectorClock& o);
  void Assign(const VectorClock& o) { c_.assign(o.c_.begin(), o.c_.end()); }
  // True when every component of this is <= the one of `o` (this happens before or equals o).
  bool LessOrEqual(const VectorClock& o) const;
  // True when epoch e happens before (or is) this clock: e.clock <= Get(e.tid).
  bool Covers(Epoch e) const { return e.none() || e.clock <= Get(e.tid); }
  Epoch EpochOf(Tid t) const { return Epoch{t, Get(t)}; }
  void Clear() { c_.clear(); }
  // Every component back to 0, keeping the length (no reallocation when the clock is
  // reused, as controlled runs do schedule after schedule).
  void Zero() { std::fill(c_.begin(), c_.end(), 0u); }
  std::size_t size() const { return c_.size(); }

 private:
  void SetGrow(Tid t, std::uint32_t v);  // t is beyond the stored components
  std::vector<std::uint32_t> c_;
};

}  // namespace lab::internal
