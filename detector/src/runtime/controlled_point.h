// controlled_point.h — ControlledScheduler's per-point path, inline (see
// controlled_scheduler.h): recording the step, the busy-wait window, the random strategy's
// inline choice and switch. Included by controlled_scheduler.cc and by the operations whose
// controlled case makes its scheduling point in its own frame (ControlledScheduler::Point
// inlined there instead of a call to ControlledPoint: one frame less per operation).
#pragma once

#include <cstdint>
#if defined(__SSE2__) && defined(__x86_64__)
#include <emmintrin.h>
#endif

#include "controlled_scheduler.h"

namespace lab::internal {

namespace point_detail {

// Operations a polling loop repeats without changing anything another thread waits for:
// reads, failed or undone lock attempts, yields. (An RMW may be a test-and-set spin lock's
// attempt; a loop of RMWs that do change state only gets switched away from more often.)
// A notify or futex wake that wakes nobody counts too (ThreadState::idle_wake).
// (A bit set over the op codes: one shift and test at every step.)
inline constexpr std::uint64_t OpBit(OpCode op) { return std::uint64_t{1} << static_cast<unsigned>(op); }
inline constexpr std::uint64_t kPollOps =
    OpBit(OpCode::kAtomicLoad) | OpBit(OpCode::kRead) | OpBit(OpCode::kIsSet) |
    OpBit(OpCode::kYield) | OpBit(OpCode::kTryLock) | OpBit(OpCode::kTryAcquire) |
    OpBit(OpCode::kTryLockShared) | OpBit(OpCode::kLock) | OpBit(OpCode::kUnlock) |
    OpBit(OpCode::kLockShared) | OpBit(OpCode::kUnlockShared) | OpBit(OpCode::kAtomicRmw);
static_assert(static_cast<unsigned>(OpCode::kTryLockShared) < 64, "op codes fit the bit set");
inline bool IsPollOp(OpCode op) {
  return static_cast<unsigned>(op) < 64 && ((kPollOps >> static_cast<unsigned>(op)) & 1) != 0;
}

// Repeats of one polling operation (or of one of a loop's few: load, yield; or lock, read,
// unlock, yield) before the thread counts as busy-waiting. Far more than a bounded spin
// such as libstdc++'s before it parks a std::atomic::wait (16 loads, 4 yields), which runs as the strategy decides: its bugs
// (a waiter that parks before the store and is never notified) need it to run on. Only a
// spin that goes on and on is scheduled fairly (and, under DPOR, ends the claim of
// exhaustiveness: see Reschedule).
inline constexpr int kPollsBeforeYield = 100;

// ThreadState::poll_key's entry for `op` on `obj`.
inline std::uintptr_t PollKey(OpCode op, const ObjectState* obj) {
  return (reinterpret_cast<std::uintptr_t>(obj) << 5) + static_cast<std::uintptr_t>(op) + 1;
}

// Whether `key` is one of the thread's last kPollWindow polling keys. Half the steps of a
// run are polling operations (a Shared read, a lock, an unlock), and a loop of eight
// compare-and-or took ~50 instructions there; with SSE2 the eight 64-bit compares are
// four 32-bit vector compares, each lane pair and-ed with its swapped self (a 64-bit key
// is equal only when both halves are).
[[gnu::always_inline]] inline bool AnyPollKeyIs(const std::uintptr_t (&keys)[ThreadState::kPollWindow],
                                                std::uintptr_t key) {
#if defined(__SSE2__) && defined(__x86_64__)
  static_assert(ThreadState::kPollWindow == 8 && sizeof(std::uintptr_t) == 8,
                "four vectors of two keys");
  const __m128i k = _mm_set1_epi64x(static_cast<long long>(key));
  const auto eq64 = [&](int i) {  // keys i and i + 1: all ones where a key equals `key`
    const __m128i eq =
        _mm_cmpeq_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(keys + i)), k);
    return _mm_and_si128(eq, _mm_shuffle_epi32(eq, 0xB1));
  };
  const __m128i any = _mm_or_si128(_mm_or_si128(eq64(0), eq64(2)), _mm_or_si128(eq64(4), eq64(6)));
  return _mm_movemask_epi8(any) != 0;
#else
  bool repeat = false;
  for (const std::uintptr_t k : keys) repeat |= k == key;
  return repeat;
#endif
}

}  // namespace point_detail

using point_detail::AnyPollKeyIs;
using point_detail::IsPollOp;
using point_detail::kPollsBeforeYield;
using point_detail::PollKey;

static_assert((ThreadState::kPollWindow & (ThreadState::kPollWindow - 1)) == 0,
              "the poll ring's index wraps with a mask");

// After a reset the window is empty (zero keys never match), so the n-th poll in a row has
// at most n - 1 repeats before it: the first kPollLog polls cannot reach kPollsBeforeYield
// repeats, and are only logged (ThreadState::poll_log).
static_assert(ThreadState::kPollLog <= kPollsBeforeYield,
              "a logged poll cannot be the one that makes a thread a spinner");

[[gnu::always_inline]] inline void ControlledScheduler::AdvancePollWindow(ThreadState* self,
                                                                          std::uintptr_t key) {
  // A repeat of any of the last kPollWindow polling operations: a loop such as
  // `lock; read flag; unlock; yield` (four keys) repeats each of its steps.
  const bool repeat = AnyPollKeyIs(self->poll_key, key);
  self->poll_repeats = repeat ? self->poll_repeats + 1 : 0;
  self->poll_key[self->poll_pos] = key;
  // poll_pos is in [0, kPollWindow), a power of two: a mask (the signed % took five
  // instructions more at every polling step).
  self->poll_pos = (self->poll_pos + 1) & (ThreadState::kPollWindow - 1);
}

[[gnu::always_inline]] inline bool ControlledScheduler::UpdatePollWindow(ThreadState* self,
                                                                         OpCode op,
                                                                         const ObjectState* obj) {
  if (!IsPollOp(op) && !self->idle_wake) {
    // What this step changed (a post, a store, an unlock) may end another thread's spin.
    // Nothing to do while nobody spins and nobody is owed a turn (most steps): the owed set
    // stays empty, and the epoch is read only for a thread whose owed bit is set, which
    // only a step made here with a spinner sets, moving the epoch on at the same time.
    if ((spinning_bits_ | spin_owed_bits_) != 0) [[unlikely]] {
      spin_owed_bits_ = spinning_bits_;
      ++spin_owed_epoch_;
    }
    if (self->poll_count != 0) {
      // Only a window kept step by step has anything in it (see ThreadState::poll_log).
      if (self->poll_count > ThreadState::kPollLog) [[unlikely]] {
        self->poll_repeats = 0;
        for (auto& k : self->poll_key) k = 0;
        self->poll_pos = 0;
      }
      self->poll_count = 0;
    }
    return self->spinning;  // its wait is over
  }
  const std::uintptr_t key = PollKey(op, obj);
  if (self->poll_count < ThreadState::kPollLog) [[likely]] {
    // Logged, not tested: no spinner (a spinner's window is kept step by step), and at
    // most kPollLog - 1 repeats in a row, fewer than kPollsBeforeYield.
    self->poll_log[self->poll_count++] = key;
    return false;
  }
  if (self->poll_count == ThreadState::kPollLog) [[unlikely]] ReplayPollLog(self);
  AdvancePollWindow(self, key);
  // Once spinning, every polling step of the loop keeps it so, until the thread does
  // something else (its wait is over).
  return !self->spinning && self->poll_repeats >= kPollsBeforeYield;
}

// Inlined into every caller: it runs once per step and is a handful of stores.
[[gnu::always_inline]] inline void ControlledScheduler::Record(ThreadState* t, OpCode op,
                                                               const ObjectState* obj,
                                                               SiteRef site, bool preempted,
                                                               const char* note,
                                                               const ObjectState* lock) {
  // Not recording (SetRecording): the event is counted (StepCount: findings' steps index
  // the trace their rerun draws), not written.
  if (!record_) {
    ++trace_total_;
    return;
  }
  // Event i lives at i % kTraceRing (a power of two: a mask, no wrap-around test).
  RawEvent& e = trace_[trace_total_ & (kTraceRing - 1)];
  e.tid = t->tid;
  e.op = op;
  e.preempted = preempted;
  e.obj = obj;
  // Field by field: a copy of the whole SiteRef (its padding too) went through the stack.
  e.site.file = site.file;
  e.site.line = site.line;
  e.vtime = now_ns_;
  e.note = note;
  e.lock = lock;
  ++trace_total_;
}

template <bool kAtPoint, bool kSelfOff>
[[gnu::always_inline]] inline void ControlledScheduler::Reschedule(ThreadState* self) {
  // The common case of a run of the random strategy, without spinners and with at most 64
  // threads, on the bit sets alone: the options are never listed, the strategy draws
  // inline, and only the chosen option's tid is worked out. Exactly what RescheduleFrom
  // does for that case (the same options in the same order, the same draws, the same
  // records), only shorter: tests/scheduler_fast_path_test.cc compares the two. (Listing
  // the options into small_tids_ and indexing by the pick, without the branches on the
  // pick below, measured the same CPU time here for 1% more instructions.)
  // kAtPoint (PointNoted's inline path, only in a schedule that does not record: see
  // UpdatePointHooks): every call is a tail call that finishes the point
  // (AfterPointSwitch), and no choice is logged.
  if (!fast_path_ || spinning_bits_ != 0) [[unlikely]] {
    return kAtPoint ? RescheduleSlowAtPoint(self) : RescheduleSlow(self);
  }
  const std::uint32_t self_tid = self->tid;
  Slot* const slots = slots_.data();  // fast_path_: every tid < 64 <= slots_.size()
  const std::uint32_t self_point = slots[self_tid].points++;
  // At a point (kAtPoint) the thread is running, so runnable: only BlockOn, Sleep and a
  // thread's exit make it anything else, each right before its own Reschedule.
  assert(!kSelfOff || self->sched != ThreadState::Sched::kRunnable);
  assert(!kAtPoint || (!self->finished && self->sched == ThreadState::Sched::kRunnable));
  const bool self_can_run =
      kAtPoint || (!kSelfOff && !self->finished && self->sched == ThreadState::Sched::kRunnable);
  const std::uint64_t others = runnable_bits_ & ~(std::uint64_t{1} << self_tid);
  if (!self_can_run && others == 0) [[unlikely]] {
    return kAtPoint ? RescheduleFromAtPoint(self, self_point) : RescheduleFrom(self, self_point);
  }
  int nr = self_can_run ? 1 : 0;
  for (std::uint64_t b = others; b != 0; b &= b - 1) ++nr;
  const std::uint64_t waiters = opt_.spurious_wakeups ? cv_waiter_bits_ : 0;
  int ns = 0;
  for (std::uint64_t b = waiters; b != 0; b &= b - 1) ++ns;
  int pick = 0;
  std::uint32_t next_tid;
  if (nr + ns > 1) {
    pick = random_->PickOf(nr, ns);
    // Option `pick`: self first (when it can go on), the other runnable threads in tid
    // order, then the condition-variable waiters in tid order.
    if (pick == 0 && self_can_run) {
      next_tid = self_tid;
    } else {
      std::uint64_t b = others;
      int k = pick - (self_can_run ? 1 : 0);
      if (pick >= nr) {
        b = waiters;
        k = pick - nr;
      }
      for (; k > 0; --k) b &= b - 1;
      next_tid = static_cast<std::uint32_t>(__builtin_ctzll(b));
    }
    // At a point the schedule is not recording (PointNoted): no log.
    if (!kAtPoint) AddChoice({self_tid, self_point, next_tid, pick, nr, self_can_run});
  } else {
    next_tid = self_can_run ? self_tid : static_cast<std::uint32_t>(__builtin_ctzll(others));
  }
  if (pick >= nr) [[unlikely]] {
    // Never a preemption (pick is past the runnable options).
    if (kAtPoint) return SpuriousAtPoint(self, next_tid, self_can_run);
    WakeSpuriously(slots[next_tid].thread, self_can_run);
    if (next_tid == self_tid) return;  // it woke itself (a blocked wait): goes on
  }
  // The running thread goes on: no switch. A thread that cannot go on (kSelfOff: a block,
  // an exit) is drawn only by a spurious wake-up (above): only runnable tids but its own
  // are options otherwise, so a block's or an exit's switch skips the test.
  if (!kSelfOff && next_tid == self_tid) return;
  assert(next_tid != self_tid);
  if (self_can_run && pick < nr) {
    ++preemptions_;
    // The latest row is marked only where rows are written: at a point (kAtPoint) the
    // schedule records nothing, and a block's or an exit's point tests record_.
    if (!kAtPoint && record_ && trace_total_ > 0) {
      trace_[(trace_total_ - 1) & (kTraceRing - 1)].preempted = true;
    }
  }
  if (kAtPoint) return SwitchAtPoint(next_tid);
  // SwitchTo, from the slot: the next thread's ThreadState is not touched here. From
  // `self`, the running thread (current_), to another one (next_tid is not its tid).
  assert(current_ == self);
  ThreadState* const next = slots[next_tid].thread;
  current_ = next;
  SetSelf(next);
  slots[next_tid].started = true;
  SwitchFiberAway(static_cast<Fiber*>(self->fiber), slots[next_tid].fiber);
}

[[gnu::always_inline]] inline void ControlledScheduler::PointNoted(ThreadState* self, OpCode op,
                                                                   ObjectState* obj, SiteRef site,
                                                                   ObjectState* lock,
                                                                   const char* note) {
  // Every call this path makes is a tail call (the rare cases and the fiber switch are out
  // of line, each finishing the point itself): nothing is kept live across a call, and the
  // rare cases' code is off the common path (2.5M fewer instructions in 3000 schedules of
  // the bounded buffer; GCC still saves callee-saved registers when the choice needs them).
  // One writer (this OS thread), one reader (the watchdog): no locked add needed. The
  // schedule's own count is this one's since the schedule began (StepCountSoFar).
  const std::uint64_t steps = steps_->load(std::memory_order_relaxed) + 1;
  // One test for every way off the inline path (inline_limit_ is 0 for the first two): the
  // schedule is being unwound (its points are not counted); a recording schedule (a rerun,
  // a replay, a systematic search: point_hooks_), which takes the general way (the inline
  // path below records nothing and logs no choice, only counts); the step budget is spent.
  if (steps > inline_limit_) [[unlikely]] {
    if (aborting_) return PointWhileAborting(self);
    steps_->store(steps, std::memory_order_relaxed);
    Record(self, op, obj, site, false, note, lock);
    return PointGeneral(self, op, obj);
  }
  steps_->store(steps, std::memory_order_relaxed);
  ++trace_total_;  // the event, counted (StepCount), not written
  if (opt_.fair_spinning && UpdatePollWindow(self, op, obj)) [[unlikely]] {
    return PointSpinChange(self);
  }
  // Reschedule's inline path covers the thread that is alone at its point; otherwise that
  // case is cut short here.
  if (fast_path_ && spinning_bits_ == 0) return Reschedule<true>(self);
  if (!self->spinning && AloneAtPoint(self)) {
    ++slots_[self->tid].points;  // what Reschedule would do: count the point, go on
    return;
  }
  RescheduleSlowAtPoint(self);
}

[[gnu::always_inline]] inline void ControlledScheduler::Point(ThreadState* self, OpCode op,
                                                              ObjectState* obj, SiteRef site,
                                                              ObjectState* lock) {
  PointNoted(self, op, obj, site, lock, nullptr);
}

// runtime.h's Point with its controlled case inlined: for the operations that make most of
// a controlled run's points (lock, unlock, notify, wait), one frame instead of two.
[[gnu::always_inline]] inline void PointInline(ThreadState* self, OpCode op, ObjectState* obj,
                                               SiteRef site, ObjectState* lock = nullptr) {
  if (self->run->mode == RunMode::kControlled) {
    self->run->sched->Point(self, op, obj, site, lock);
  } else if (g_stress_noise.load(std::memory_order_relaxed)) {
    NoisePoint(self);
  }
}

}  // namespace lab::internal
