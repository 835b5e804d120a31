// event_recorder.h — the runtime side of dpor_event.h: each thread's announced operation,
// turned into footprints and statuses from the object states (for the DPOR strategy).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "dpor_event.h"
#include "runtime.h"
#include "stamped_index.h"

namespace lab::internal {

// Owned by the controlled scheduler when its strategy WantsEvents(); cheap otherwise
// (never called).
class EventRecorder {
 public:
  void Reset() {
    ops_.clear();
    objs_.clear();
    wait_locks_.clear();
    ClearPlain();
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

  // Plain memory (the standard-C++ dialect's loads and stores, no scheduling points): the
  // running step loaded or stored [addr, addr + size). Kept per 8-byte word, each word once
  // per step (a store after a load of it makes it a store). `stack_top`: the range is on
  // the stack of thread `stack_tid` that starts there (null: not on a lab thread's stack).
  void OnPlainAccess(std::uintptr_t addr, std::size_t size, bool write, std::uint32_t stack_tid,
                     const char* stack_top);
  // The current step's words, in order of first access; ClearPlain empties the list.
  const std::vector<EventAccess>& plain() const { return plain_; }
  void ClearPlain() {
    plain_.clear();
    plain_index_.Clear();
  }

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
  std::vector<EventAccess> plain_;  // this step's plain-memory words
  StampedIndex plain_index_;  // word -> index in plain_
};

}  // namespace lab::internal
