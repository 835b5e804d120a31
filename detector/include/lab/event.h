// lab/event.h — lab::Event (Python's threading.Event) and lab::Barrier.
#pragma once

#include <chrono>
#include "lab/internal/source_location.h"
#include <string_view>

#include "lab/internal/hooks.h"
#include "lab/internal/tsan.h"

namespace lab {

// A flag threads can wait for (Python's threading.Event): set() releases every thread
// waiting at that moment, even if clear() follows at once, and lets later waits pass until
// clear(). set → wait is a happens-before edge.
class Event {
 public:
  using Loc = lab::SourceLocation;
  explicit Event(std::string_view name = {}, Loc loc = Loc::current())
      : s_(internal::NewObject(internal::ObjKind::kEvent, name, loc)) {}
  ~Event() { internal::DeleteObject(s_, Loc::current()); }
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  void set(Loc loc = Loc::current()) {
    internal::TsanRelease(s_);
    internal::TsanUnseen([&] { return internal::EventSetOp(s_, loc); });
  }
  void clear(Loc loc = Loc::current()) { internal::TsanUnseen([&] { return internal::EventClearOp(s_, loc); }); }
  bool is_set(Loc loc = Loc::current()) const {
    return internal::TsanAcquireIf(internal::TsanUnseen([&] { return internal::EventIsSetOp(s_, loc); }), s_);
  }
  void wait(Loc loc = Loc::current()) {
    internal::TsanUnseen([&] { return internal::EventWaitOp(s_, {}, false, loc); });
    internal::TsanAcquire(s_);
  }
  // True when the event was set, false on timeout (Python's wait(timeout)).
  template <class Rep, class Period>
  bool wait_for(std::chrono::duration<Rep, Period> d, Loc loc = Loc::current()) {
    return internal::TsanAcquireIf(
        internal::TsanUnseen([&] { return internal::EventWaitOp(s_, std::chrono::duration_cast<internal::Nanos>(d), true, loc); }), s_);
  }

 private:
  internal::ObjectState* s_;
};

// A cyclic barrier for `parties` threads: wait() blocks until all have arrived, then
// releases them together and resets for the next round. Returns the arrival index.
class Barrier {
 public:
  using Loc = lab::SourceLocation;
  explicit Barrier(int parties, std::string_view name = {}, Loc loc = Loc::current())
      : s_(internal::NewObject(internal::ObjKind::kBarrier, name, loc, parties)) {}
  ~Barrier() { internal::DeleteObject(s_, Loc::current()); }
  Barrier(const Barrier&) = delete;
  Barrier& operator=(const Barrier&) = delete;

  int wait(Loc loc = Loc::current()) {
    internal::TsanRelease(s_);
    const int index = internal::TsanUnseen([&] { return internal::BarrierWaitOp(s_, loc); });
    internal::TsanAcquire(s_);
    return index;
  }
  // std::barrier spelling.
  void arrive_and_wait(Loc loc = Loc::current()) { wait(loc); }

 private:
  internal::ObjectState* s_;
};

}  // namespace lab
