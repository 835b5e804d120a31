// dpor_event.h — what each thread of a controlled run would do at its next step, for the
// DPOR strategy (dpor_strategy.cc).
//
// A step of a thread runs from one scheduling point to the next: it performs the
// operation announced at the point where it was picked (runtime.h: Point(op, obj)), or the
// rest of the operation it blocked in (a woken lock waiter retries, a woken condvar waiter
// re-acquires its lock), then the thread's own code up to its next point. So the objects
// a step touches are known before it runs. The recorder (runtime/event_recorder.h) keeps
// each thread's announced operation and turns it, with the object states, into
//   - a footprint: the objects the step touches, each as a read or a write;
//   - a status: enabled, would block (a lock held by another thread, an empty semaphore,
//     an unset event, an unfinished thread to join: DPOR treats such a step as not enabled,
//     and runs it only when no step is enabled, where it parks the thread), blocked,
//     or a blocked condvar waiter the strategy may wake spuriously.
// Objects are named by address (the strategy renames them in order of first sight, which
// is the same in every schedule with the same prefix), thread objects by tid, and two
// pseudo-objects stand for global state: the thread table (every spawn writes it: tids
// are handed out in spawn order), the spurious wake-up budget, and yields (below).
//
// Plain memory (the standard-C++ dialect: loads and stores of code compiled with
// -fsanitize=thread) is no scheduling point: a step's plain accesses are known only once
// it has run. The recorder collects them per step, by 8-byte word (PlainWord), and the
// scheduler hands them to the strategy when the step ends (SchedulingStrategy::
// StepAccesses), before the next Pick; they join that step's footprint.
#pragma once

#include <cstdint>

namespace lab::internal {

struct EventAccess {
  std::uintptr_t id;  // an ObjectState address (low 3 bits 0), or a tag (below)
  bool write;
  // Plain words only: the word as named across schedules (a thread may run on another
  // fiber's stack in another schedule): on a lab thread's stack, StackWord; in the
  // executable's static data, its address; elsewhere (the heap, mostly), HeapWord.
  std::uintptr_t where = 0;
};
inline std::uintptr_t StackWord(std::uint32_t tid, std::uintptr_t depth) {
  return (std::uintptr_t{1} << 63) | (std::uintptr_t{tid} << 32) | depth;
}
// A word whose address may name another word in another schedule: a heap block's address
// depends on the allocator's state, which differs between schedules (each starts where the
// previous one left the heap). DPOR compares such words across schedules conservatively
// (dpor_strategy.cc: Dependent).
inline std::uintptr_t HeapWord(std::uintptr_t addr) { return (std::uintptr_t{1} << 62) | addr; }
inline bool IsHeapWord(std::uintptr_t where) { return (where >> 62) == 1; }
// Tags: thread objects (join, exit) by tid; pseudo-objects.
inline std::uintptr_t ThreadTag(std::uint32_t tid) { return (std::uintptr_t{tid} << 3) | 1; }
inline constexpr std::uintptr_t kSpawnTag = (1u << 3) | 2;
inline constexpr std::uintptr_t kSpuriousTag = (2u << 3) | 2;
// Every yield writes this one: a yield is how code signals that something outside the lab's
// objects happens around it (a spin on plain memory, the spec Recorder's emit into a plain
// list), so the orders of yielding steps are explored, never taken as equivalent.
inline constexpr std::uintptr_t kYieldTag = (3u << 3) | 2;
// A plain-memory word: its address with the low bits 5 (renamed in order of first sight,
// as objects are). Two accesses conflict when they touch one 8-byte word, whatever bytes
// of it: more dependence than byte granularity, never less.
inline constexpr std::uintptr_t kPlainBits = 5;
inline std::uintptr_t PlainWord(std::uintptr_t addr) { return (addr & ~std::uintptr_t{7}) | kPlainBits; }

enum class EventStatus : std::uint8_t {
  kEnabled,     // the step can run now
  kWouldBlock,  // runnable, but its step would only park it (DPOR: not enabled)
  kBlocked,     // parked; the footprint is that of the step after its wake-up
  kSpurious,    // a parked condvar waiter that may be woken spuriously now
  kFinished,
};

struct ThreadEvent {
  EventStatus status = EventStatus::kFinished;
  std::uint32_t first = 0;  // its accesses: [first, first + count) of the access array
  std::uint32_t count = 0;
};

}  // namespace lab::internal
