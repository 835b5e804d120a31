// race_detector.h — FastTrack-style access history of one race-checked variable.
//
// Each lab::Shared<T> owns an AccessHistory. On every access the runtime passes the
// accessing thread's current vector clock; the history answers with an earlier access
// that is not ordered before this one by happens-before (a data race), or nothing.
// Representation (Flanagan & Freund, PLDI 2009): the last write as an epoch; reads as an
// epoch while they are totally ordered, as a per-thread read map once two reads are
// concurrent ("read-shared"), back to an epoch on the next write. Every remembered access
// keeps its site so a race report names both sides.
// Precision: every reported access really is an earlier, conflicting, concurrent one.
// Up to the first race on the variable the answer is exact (a race is reported iff some
// earlier conflicting access is unordered with this one); after it, a write forgets the
// reads it raced with, so a later race with one of those may go unreported.
// Clock discipline expected from the caller: ct.Get(t) >= 1 (a thread starts at 1, so its
// first epoch is not covered by other threads' zero entries) and t's own component is
// ticked after each release-like operation, as FastTrack requires.
// No internal locking: the caller serialises accesses to one history.
// Cost: O(1) for reads and writes in epoch mode; a write after read-shared is linear in
// the number of concurrent readers.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "lab/internal/site.h"
#include "vector_clock.h"

namespace lab::internal {

struct PriorAccess {
  Tid tid = kNoTid;
  SiteRef site;
  bool is_write = false;
  // The caller's `step` of that access (a controlled run: how many trace events were
  // recorded before it, so a report can draw it where it happened); 0 when not given.
  std::uint32_t step = 0;
};

class AccessHistory {
 public:
  // A read by `t` whose clock is `ct`. Returns the write it races with, if any.
  // Records the read either way.
  // Inline, the common case of every access (epoch mode, no race, reads totally ordered);
  // the rest is OnReadSlow / OnWriteSlow, the full rules.
  // `step`: kept with the access and given back in PriorAccess (see there).
  std::optional<PriorAccess> OnRead(Tid t, const VectorClock& ct, SiteRef site,
                                    std::uint32_t step = 0) {
    if (TryReadFast(t, ct, site, step)) return std::nullopt;
    return OnReadSlow(t, ct, site, step);
  }
  // OnRead's and OnWrite's common case alone: true when it applied (no race, recorded);
  // false, and nothing changed, when OnRead / OnWrite must decide. For callers whose
  // common case must make no call (stdcxx/plain_memory.cc's inline path).
  bool TryReadFast(Tid t, const VectorClock& ct, SiteRef site, std::uint32_t step) {
    if (!CanReadFast(t, ct)) return false;
    StampRead(t, ct, site, step);
    return true;
  }
  bool TryWriteFast(Tid t, const VectorClock& ct, SiteRef site, std::uint32_t step) {
    if (!CanWriteFast(t, ct)) return false;
    StampWrite(t, ct, site, step);
    return true;
  }
  // Their test and their record apart: CanReadFast then StampRead is TryReadFast. A
  // caller whose site and step cost loads (the inline path of a plain access) makes them
  // only once the test passed, so the test keeps few registers live.
  bool CanReadFast(Tid t, const VectorClock& ct) const {
    return !shared_ && !Concurrent(write_.epoch, t, ct) &&
           (read_.epoch.none() || read_.epoch.tid == t || ct.Covers(read_.epoch));
  }
  bool CanWriteFast(Tid t, const VectorClock& ct) const {
    // Epoch mode keeps no reader list (readers_ is empty while !shared_).
    return !shared_ && !Concurrent(write_.epoch, t, ct) && !Concurrent(read_.epoch, t, ct);
  }
  void StampRead(Tid t, const VectorClock& ct, SiteRef site, std::uint32_t step) {
    Stamp(read_, t, ct, site, step);
  }
  void StampWrite(Tid t, const VectorClock& ct, SiteRef site, std::uint32_t step) {
    Stamp(write_, t, ct, site, step);
    read_ = Stamped{};
  }
  // The first access to a history just Reset: what TryReadFast / TryWriteFast record
  // there (an empty history races with nothing), without their tests.
  void RecordIntoEmpty(bool write, Tid t, const VectorClock& ct, SiteRef site,
                       std::uint32_t step) {
    Stamp(write ? write_ : read_, t, ct, site, step);
  }
  // A write by `t` whose clock is `ct`. Returns an earlier write or read it races with
  // (the write first, when both do). Records the write either way.
  std::optional<PriorAccess> OnWrite(Tid t, const VectorClock& ct, SiteRef site,
                                     std::uint32_t step = 0) {
    if (TryWriteFast(t, ct, site, step)) return std::nullopt;
    return OnWriteSlow(t, ct, site, step);
  }
  // Forget every access (a new run). Inline: every object a controlled run creates or
  // brings into a schedule resets its history.
  void Reset() {
    write_ = Stamped{};
    read_ = Stamped{};
    shared_ = false;
    readers_.clear();
  }

 private:
  // The site's fields inline, so the step fits in what would be SiteRef's padding (24
  // bytes, as without it: a plain-memory cell holds eight histories).
  struct Stamped {
    Epoch epoch;
    const char* file = nullptr;
    std::uint32_t line = 0;
    std::uint32_t step = 0;
    PriorAccess As(bool is_write) const { return {epoch.tid, SiteRef{file, line}, is_write, step}; }
  };
  // `s` = {ct.EpochOf(t), site, step}, field by field: one store each (as a Stamped
  // temporary GCC packed the four 32-bit fields through SSE registers first, on the
  // inline path of every plain access).
  static void Stamp(Stamped& s, Tid t, const VectorClock& ct, SiteRef site,
                    std::uint32_t step) {
    s.epoch.tid = t;
    s.epoch.clock = ct.Get(t);
    s.file = site.file;
    s.line = site.line;
    s.step = step;
  }
  // True when the remembered access `e` is unordered with an access by `t` at clock `ct`.
  static bool Concurrent(Epoch e, Tid t, const VectorClock& ct) {
    return !e.none() && e.tid != t && !ct.Covers(e);
  }
  std::optional<PriorAccess> OnReadSlow(Tid t, const VectorClock& ct, SiteRef site,
                                        std::uint32_t step);
  std::optional<PriorAccess> OnWriteSlow(Tid t, const VectorClock& ct, SiteRef site,
                                         std::uint32_t step);
  Stamped write_;
  Stamped read_;                  // valid while !shared_
  bool shared_ = false;           // read-shared mode
  std::vector<Stamped> readers_;  // read-shared mode: one entry per reader tid (at most)
};

}  // namespace lab::internal
