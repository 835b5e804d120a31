// race_detector.cc — FastTrack's read and write rules (Flanagan & Freund, PLDI 2009).
//
// A remembered access races with the current one when it is by another thread and its
// epoch is not covered by the current thread's clock. Accesses of the current thread
// never race with it: program order is happens-before, and the caller's clock covers its
// own earlier epochs anyway. Every rule checks first and records second, so a racing
// access is still remembered and later accesses are compared against it.
#include "race_detector.h"

namespace lab::internal {

std::optional<PriorAccess> AccessHistory::OnReadSlow(Tid t, const VectorClock& ct,
                                                     SiteRef site, std::uint32_t step) {
  std::optional<PriorAccess> race;
  if (Concurrent(write_.epoch, t, ct)) {
    race = write_.As(/*is_write=*/true);
  }

  const Stamped now{ct.EpochOf(t), site.file, site.line, step};
  if (shared_) {
    // One entry per reader: a newer read by the same thread supersedes its older one,
    // which the new read's clock covers.
    for (Stamped& r : readers_) {
      if (r.epoch.tid == t) {
        r = now;
        return race;
      }
    }
    readers_.push_back(now);
  } else if (read_.epoch.none() || read_.epoch.tid == t || ct.Covers(read_.epoch)) {
    // The reads stay totally ordered: the last one stands for all earlier ones, since any
    // later write ordered after it is ordered after them too.
    read_ = now;
  } else {
    // Two concurrent reads: a later write must be checked against both.
    shared_ = true;
    readers_.clear();
    readers_.push_back(read_);
    readers_.push_back(now);
    read_ = Stamped{};
  }
  return race;
}

std::optional<PriorAccess> AccessHistory::OnWriteSlow(Tid t, const VectorClock& ct,
                                                      SiteRef site, std::uint32_t step) {
  std::optional<PriorAccess> race;
  if (Concurrent(write_.epoch, t, ct)) {
    race = write_.As(/*is_write=*/true);
  } else if (!shared_) {
    if (Concurrent(read_.epoch, t, ct)) {
      race = read_.As(/*is_write=*/false);
    }
  } else {
    for (const Stamped& r : readers_) {
      if (Concurrent(r.epoch, t, ct)) {
        race = r.As(/*is_write=*/false);
        break;
      }
    }
  }

  // Every later access ordered after this write is ordered after all remembered reads
  // this write was ordered after; the racing ones were just reported. Back to epoch mode.
  write_ = Stamped{ct.EpochOf(t), site.file, site.line, step};
  read_ = Stamped{};
  shared_ = false;
  readers_.clear();
  return race;
}

}  // namespace lab::internal
