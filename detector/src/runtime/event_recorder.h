// event_recorder.h — the runtime side of dpor_event.h: each thread's announced operation,
// turned into footprints and statuses from the object states (for the DPOR strategy).
#pragma once

#include <cstdint>
#include <vector>

#include "dpor_event.h"
#include "runtime.h"

namespace lab::internal {

// Owned by the controlled scheduler when its strategy WantsEvents(); cheap otherwise
// (never called).
class EventRecorder {
 public:
  void Reset() {
    ops_.clear();
    objs_.clear();
    wait_locks_.clear();
  }
  // A thread announced its next operation at a scheduling point.
  void OnPoint(const ThreadState* t, OpCode op, const ObjectState* obj);
  // A thread was created: its first step runs its own code only.
  void OnSpawn(const ThreadState* t);
  // Describes every thread of `run` (indexed by tid). `spurious`: blocked condvar waiters
  // are offered as spurious wake-ups.
  void Describe(const Run* run, bool spurious);
  const ThreadEvent* events() const { return events_.data(); }
  const EventAccess* accesses() const { return acc_.data(); }

 private:
  void Grow(std::uint32_t tid);
  void Add(std::uintptr_t id, bool write) { acc_.push_back({id, write}); }
  void AddObject(const ObjectState* obj, bool write);
  EventStatus Announced(const ThreadState* t, OpCode op, const ObjectState* obj);
  EventStatus Continuation(const ThreadState* t);
  bool WaitLocksBusy(const ThreadState* t) const;

  std::vector<OpCode> ops_;
  std::vector<const ObjectState*> objs_;
  std::vector<std::vector<const ObjectState*>> wait_locks_;  // locks held at a CondVar wait
  std::vector<ThreadEvent> events_;
  std::vector<EventAccess> acc_;
};

}  // namespace lab::internal
