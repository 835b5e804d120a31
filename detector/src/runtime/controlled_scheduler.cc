// controlled_scheduler.cc — see controlled_scheduler.h.
#include "controlled_scheduler.h"
#include "scenario_end.h"
#include "controlled_point.h"

#include <cxxabi.h>

#include <algorithm>
#include <utility>
#include <cassert>
#include <atomic>
#include <cstdlib>
#include <exception>
#include <typeinfo>

#include "wait_for_graph.h"

namespace lab::internal {
namespace {
thread_local ControlledScheduler* tls_active = nullptr;
constexpr std::int64_t kAbortStepLimit = 10000;

bool MayRunInDestructor(OpCode op) {
  switch (op) {
    case OpCode::kUnlock:
    case OpCode::kUnlockShared:
    case OpCode::kRelease:
    case OpCode::kNotify:
    case OpCode::kNotifyAll:
    case OpCode::kJoin:
    case OpCode::kExit:
      return true;
    default:
      return false;
  }
}

// ---- Unwinding a fiber where an exception cannot pass ----
//
// A schedule that ends leaves its other threads suspended at scheduling points; each is
// unwound by throwing RunAborted there. Where the point lies inside a destructor or any
// noexcept function, the throw reaches std::terminate (what cannot be known before
// throwing). The terminate handler below catches exactly that case — a RunAborted of the
// fiber being unwound — and gives the fiber up instead: its stack is never resumed and is
// unmapped (FiberPool::Abandon); objects its frames still own are leaked, and lab objects
// among them are reset lazily by the next run that uses them (ObjectState::gen).
std::atomic<std::terminate_handler> g_prev_terminate{nullptr};

[[noreturn]] void TerminateHandler() {
  ControlledScheduler* s = ActiveScheduler();
  const std::type_info* t = abi::__cxa_current_exception_type();
  if (s != nullptr && s->aborting() && s->running() != nullptr && t != nullptr &&
      *t == typeid(RunAborted)) {
    abi::__cxa_end_catch();  // terminate counts as its handler: free the exception
    s->AbandonRunning();
  }
  std::terminate_handler prev = g_prev_terminate.load();
  if (prev != nullptr) prev();
  std::abort();
}

[[noreturn]] void ThrowRunAborted() {
  // Installed on first use and again whenever someone else replaced it: a throw records
  // the handler in force, and that is the one a noexcept frame calls.
  const std::terminate_handler cur = std::get_terminate();
  if (cur != &TerminateHandler) {
    g_prev_terminate.store(cur);
    std::set_terminate(&TerminateHandler);
  }
  throw RunAborted{};
}

// The C++ runtime's per-OS-thread exception state, which every fiber of the run shares.
// A fiber given up in the middle of unwinding would leave it counting an exception in
// flight (std::uncaught_exceptions() > 0 for good); UnwindRemaining saves and restores
// it around each fiber. The layout is the Itanium ABI's (libstdc++ and libc++abi).
struct EhGlobals {
  void* caught_exceptions;
  unsigned int uncaught_exceptions;
};
EhGlobals* CurrentEhGlobals() { return reinterpret_cast<EhGlobals*>(abi::__cxa_get_globals()); }
}  // namespace

ControlledScheduler* ActiveScheduler() { return tls_active; }

void ControlledScheduler::ThrowAborted() { ThrowRunAborted(); }

ControlledScheduler::ControlledScheduler(const Options& options, SchedulingStrategy* strategy,
                                         FiberPool* pool, std::string token_flags,
                                         std::atomic<std::uint64_t>* steps)
    : opt_(options),
      strategy_(strategy),
      pool_(pool),
      token_flags_(std::move(token_flags)),
      steps_(steps) {
  trace_.resize(kTraceRing);
  slots_.resize(64);
  SetStrategy(strategy);
}

namespace {
std::atomic<bool> g_plain_footprints{true};
}  // namespace

void SetPlainFootprints(bool on) { g_plain_footprints.store(on); }
bool PlainFootprints() { return g_plain_footprints.load(); }

// Inline into Spawn and RunSchedule: five stores when the slot exists (it always does
// below 64 threads).
[[gnu::always_inline]] inline void ControlledScheduler::InitSlot(ThreadState* t) {
  if (t->tid >= slots_.size()) [[unlikely]] GrowThreadTables(t->tid);
  Slot& s = slots_[t->tid];
  s.thread = t;
  s.fiber = static_cast<Fiber*>(t->fiber);
  s.points = 0;
  s.started = false;
  s.abandoned = false;
}

ControlledScheduler::~ControlledScheduler() = default;  // spare_objects_ deletes its own

ScheduleOutcome ControlledScheduler::RunSchedule(const std::function<void()>& body) {
  // One scheduler runs every schedule of an explore call: per-schedule state is reset
  // here, buffers (trace, options) keep their capacity.
  current_ = nullptr;
  now_ns_ = 0;
  step_base_ = steps_->load(std::memory_order_relaxed);
  step_limit_ = opt_.step_budget < 0 ? step_base_
                                     : step_base_ + static_cast<std::uint64_t>(opt_.step_budget);
  preemptions_ = 0;
  spurious_wakeups_ = 0;
  aborting_ = false;
  UpdateInlineLimit();
  ended_ = false;
  hang_ = false;
  trace_total_ = 0;
  signal_noted_.set = false;
  race_rows_.clear();
  if (!words_.empty()) words_.clear();  // (a deque's clear is a call even when empty)
  abort_steps_ = 0;
  runnable_bits_ = 0;
  cv_waiter_bits_ = 0;
  spinning_bits_ = 0;
  spin_owed_bits_ = 0;
  spin_owed_epoch_ = 0;
  many_threads_ = false;
  UpdateFastPath();
  time_jumps_ = 0;
  redundant_ = false;
  recorder_.Reset();
  if (!wants_events_) view_ = ChoiceView{};  // no DPOR fields left from an earlier strategy
  Run& run = run_storage_;
  run.ResetForReuse();
  run.gen = NewRunGeneration();
  run.mode = RunMode::kControlled;
  run.sched = this;
  run.shared_access_cost_ns = opt_.shared_access_cost_ns;
  run.spare_threads = &spare_threads_;
  run.spare_objects = &spare_objects_;
  run_ = &run;

  ThreadState* saved_self = PeekSelf();
  ControlledScheduler* saved_active = tls_active;
  tls_active = this;
  SetCurrentRun(&run);

  // The slots keep their length from schedule to schedule (not shrunk): Spawn grows them
  // only for a schedule with more threads than any before. No reset here: only the slots
  // of this schedule's threads are read, and InitSlot sets each when its thread starts.
  ForgetFpEnv();  // fiber.h: the last schedule's fibers are all released
  ThreadState* main = AddThread(&run, "main", nullptr);
  main->is_lab_thread = true;
  // The body outlives the schedule: the main thread calls it through a pointer instead of
  // copying the std::function into its ThreadFn (a clone and a destroy per schedule).
  main->fn = [b = &body] { (*b)(); };
  SetState(main, ThreadState::Sched::kRunnable);
  if (random_ == nullptr) strategy_->OnThreadCreated(main->tid);  // (see Spawn)
  if (wants_events_) recorder_.OnSpawn(main);
  main->fiber = pool_->Create(&FiberStart, this, main);
  InitSlot(main);
  choice_end_ = choices_.get();
  SwitchTo(main);  // returns when the schedule is over
  if (ended_ && !hang_) UnwindRemaining();

  ScheduleOutcome out;
  out.stats = Stats();
  out.hang = hang_;
  out.redundant = redundant_;
  for (auto& t : run.threads) {
    auto* f = static_cast<Fiber*>(t->fiber);
    if (f == nullptr) continue;
    if (t->tid < slots_.size() && slots_[t->tid].abandoned) pool_->Abandon(f);
    else pool_->Release(f);
    t->fiber = nullptr;
  }
  if (wants_events_) PassPlainAccesses();  // the last step's
  if (random_ == nullptr) strategy_->EndSchedule(StepCountSoFar());  // the random one's is a no-op
  out.findings = std::move(run.findings);
  if (!hang_) {
    // A hung schedule's threads may still be referenced by its abandoned fiber.
    // By tid: tid i of the next schedule gets tid i's state of this one (AddThread), whose
    // name (and clock lengths) most often fit it already. Slot i is empty here: this
    // schedule's tid i took it, or found none.
    const std::size_t n = run.threads.size();
    if (spare_threads_.size() < n) spare_threads_.resize(n);
    for (std::size_t i = 0; i < n; ++i) spare_threads_[i] = std::move(run.threads[i]);
    run.threads.clear();
  }
  SetCurrentRun(nullptr);
  SetSelf(saved_self);
  tls_active = saved_active;
  if (!hang_) {  // a hung fiber may still point at them
    // By creation index: the next schedule's n-th object reuses this one's n-th (most
    // often of the same name: no copy of it).
    for (ObjectState* s : graveyard_) spare_objects_.Put(s);
  }
  graveyard_.clear();
  run_ = nullptr;
  if (stop_armed_ || stop_.set) {  // armed for this schedule only
    stop_armed_ = false;
    stop_ = SignalStop{};
    UpdatePointHooks();
  }
  return out;
}

RunStats ControlledScheduler::Stats() const {
  RunStats s;
  s.duration = std::chrono::nanoseconds(now_ns_);
  if (run_ != nullptr) {
    s.work = std::chrono::nanoseconds(run_->work_ns);
    if (!run_->threads.empty()) s.span = std::chrono::nanoseconds(run_->threads[0]->span_ns);
    s.threads = static_cast<int>(run_->threads.size());
  }
  s.steps = StepCountSoFar();
  s.preemptions = preemptions_;
  s.spurious_wakeups = spurious_wakeups_;
  return s;
}


void ControlledScheduler::FiberEntry(ThreadState* t) {
  bool unwound = false;
  AtResume(t);
  try {
    RunThreadBody(t);
  } catch (const RunAborted&) {
    unwound = true;
  }
  if (aborting_ || unwound) {
    t->finished = true;
    SetState(t, ThreadState::Sched::kFinished);
    MarkFiberExiting(static_cast<Fiber*>(t->fiber));
    ReturnToOs();
  }
  if (t->tid == 0) RunScenarioEndHook(t);  // the body returned: the scenario's end
  Record(t, OpCode::kExit, nullptr, SiteRef{}, false, nullptr);  // returns: no line of its own
  OnThreadExit(t);
  SetState(t, ThreadState::Sched::kFinished);
  MarkFiberExiting(static_cast<Fiber*>(t->fiber));
  Reschedule<false, true>(t);
  // Reschedule never comes back to a finished thread.
  ReturnToOs();
}

void ControlledScheduler::ReportLivelock() {
  if (wants_events_) {
    // DPOR explores unfair schedules too (no preemption bound): a run that spends the
    // budget there is most often two threads retrying in lock-step for thousands of
    // preemptions (std::lock's try-and-back-off with two std::mutex: std::scoped_lock),
    // which no fair scheduler keeps up. Not a finding: the search ends without its claim
    // of exhaustiveness; the other strategies judge livelock.
    strategy_->GiveUp();
    EndRun();
  }
  Finding f;
  f.kind = FindingKind::kLivelock;
  f.message = std::to_string(opt_.step_budget) +
              " steps and threads are still runnable (busy-waiting, or threads that keep "
              "retrying without progress)";
  for (auto& t : run_->threads) {
    if (!t->finished) {
      f.threads.push_back(t->name);
      f.sites.push_back(ToSource(t->last_site));
    }
  }
  AddFinding(std::move(f));
  EndRun();
}


void ControlledScheduler::PointWhileAborting(ThreadState* self) {
  if (++abort_steps_ > kAbortStepLimit) {
    slots_[self->tid].abandoned = true;
    ReturnToOs();
  }
  if (std::uncaught_exceptions() == 0) ThrowRunAborted();
}

void ControlledScheduler::PointGeneral(ThreadState* self, OpCode op, ObjectState* obj) {
  if (point_hooks_) {
    if (wants_points_) strategy_->OnPoint(*self, op, obj);
    if (wants_events_) recorder_.OnPoint(self, op, obj);
  }
  // Past the step budget the run ends, by unwinding this thread from here; not at an
  // operation that runs in destructors (unlock, release, notify, join: a lock guard going
  // out of scope), where the unwinding exception would meet a noexcept destructor and end
  // the process. A thread that keeps running soon reaches another operation.
  if (StepCountSoFar() > opt_.step_budget && !MayRunInDestructor(op)) ReportLivelock();
  if (opt_.fair_spinning && UpdatePollWindow(self, op, obj)) SetSpinning(self, !self->spinning);
  PointSchedule(self);
}

void ControlledScheduler::PointSpinChange(ThreadState* self) {
  SetSpinning(self, !self->spinning);
  PointSchedule(self);
}

void ControlledScheduler::PointSchedule(ThreadState* self) {
  if (fast_path_ && spinning_bits_ == 0) {
    Reschedule<false>(self);
  } else if (!self->spinning && AloneAtPoint(self)) {
    ++slots_[self->tid].points;  // what Reschedule would do: count the point, go on
  } else {
    RescheduleSlow(self);
  }
  AtResume(self);
  AfterPointSwitch();
}

void ControlledScheduler::RescheduleSlowAtPoint(ThreadState* self) {
  RescheduleSlow(self);
  AfterPointSwitch();
}

void ControlledScheduler::RescheduleFromAtPoint(ThreadState* self, std::uint32_t self_point) {
  RescheduleFrom(self, self_point);
  AfterPointSwitch();
}

void ControlledScheduler::SpuriousAtPoint(ThreadState* self, std::uint32_t next_tid,
                                          bool from_runnable) {
  WakeSpuriously(slots_[next_tid].thread, from_runnable);
  if (next_tid == self->tid) return;
  SwitchAtPoint(next_tid);
}

void ControlledScheduler::SwitchAtPoint(std::uint32_t next_tid) {
  // SwitchTo, from the slot: the next thread's ThreadState is not touched here. From the
  // running thread (current_, at its point) to another one (both callers made sure
  // next_tid is not its tid): neither is tested.
  ThreadState* const prev = current_;
  Slot& slot = slots_[next_tid];
  assert(prev != nullptr && prev != slot.thread);
  current_ = slot.thread;
  SetSelf(slot.thread);
  slot.started = true;
  SwitchFiberAway(static_cast<Fiber*>(prev->fiber), slot.fiber);
  AfterPointSwitch();
}



void ControlledScheduler::ReplayPollLog(ThreadState* self) {
  for (int i = 0; i < ThreadState::kPollLog; ++i) AdvancePollWindow(self, self->poll_log[i]);
  self->poll_count = ThreadState::kPollLog + 1;
}

void ControlledScheduler::SetSpinning(ThreadState* self, bool spinning) {
  self->spinning = spinning;
  if (self->tid < 64) {
    const std::uint64_t bit = std::uint64_t{1} << self->tid;
    // A new spinner joins the rotation level with the others (not ahead of them by turns
    // it never had).
    if (spinning) {
      const std::uint64_t others = spinning_bits_ & ~bit;
      self->spin_turns = 0;
      if (others != 0) {
        self->spin_turns = run_->threads[__builtin_ctzll(FewestSpinTurns(others))]->spin_turns;
      }
    }
    spinning_bits_ = spinning ? spinning_bits_ | bit : spinning_bits_ & ~bit;
  }
}

void ControlledScheduler::PayOwedTurn(ThreadState* next) {
  const std::uint64_t bit = std::uint64_t{1} << next->tid;
  if ((spin_owed_bits_ & bit) == 0) return;
  if (next->owed_epoch != spin_owed_epoch_) {
    next->owed_epoch = spin_owed_epoch_;
    next->owed_steps = 0;
  }
  // The loop's length: its distinct polling operations (`load; lock; unlock; yield` is
  // four). One step is not enough: the step it is about to run may be the `unlock` or the
  // `yield` after the check, and virtual time then jumped before its poll saw the change
  // (a crawler polling a queue with yield beside fetches that sleep was serialised).
  int period = 0;
  for (int i = 0; i < ThreadState::kPollWindow; ++i) {
    const std::uintptr_t k = next->poll_key[i];
    bool seen = k == 0;
    for (int j = 0; j < i && !seen; ++j) seen = next->poll_key[j] == k;
    period += seen ? 0 : 1;
  }
  if (++next->owed_steps >= std::max(period, 1)) spin_owed_bits_ &= ~bit;
}

std::uint64_t ControlledScheduler::FewestSpinTurns(std::uint64_t tids) const {
  std::int64_t least = INT64_MAX;
  std::uint64_t out = 0;
  for (std::uint64_t b = tids; b != 0; b &= b - 1) {
    const int t = __builtin_ctzll(b);
    const std::int64_t turns = run_->threads[t]->spin_turns;
    if (turns < least) {
      least = turns;
      out = 0;
    }
    if (turns == least) out |= std::uint64_t{1} << t;
  }
  return out;
}

bool ControlledScheduler::ReleasedBySpinner(const ThreadState& t) {
  if (t.wait_kind != WaitKind::kLock) return false;
  const ObjectState* lock = t.waiting_on.load(std::memory_order_relaxed);
  if (lock == nullptr) return false;
  const ThreadState* owner = lock->owner.load(std::memory_order_relaxed);
  if (owner == nullptr || !owner->spinning || owner->finished ||
      owner->sched != ThreadState::Sched::kRunnable) {
    return false;
  }
  const std::uintptr_t unlock = PollKey(OpCode::kUnlock, lock);
  for (const std::uintptr_t k : owner->poll_key) {
    if (k == unlock) return true;
  }
  return false;
}

bool ControlledScheduler::AnyTimedWaiter() const {
  for (const auto& t : run_->threads) {
    if (TimeCanPassFor(*t)) return true;
  }
  return false;
}


void ControlledScheduler::Say(ThreadState* self, std::string_view words, SiteRef site) {
  const char* kept = aborting_ ? nullptr : words_.emplace_back(words).c_str();
  PointNoted(self, OpCode::kSay, nullptr, site, nullptr, kept);
}

void ControlledScheduler::TraceRowSlow(ThreadState* self, const char* words,
                                       const ObjectState* obj, SiteRef site) {
  if (!aborting_) Record(self, OpCode::kSay, obj, site, false, words);
  AtResume(self);
}

// runtime.h's Point in controlled runs: defined here so that the scheduler's Point is
// inlined into it (one call per step instead of two).
void ControlledPoint(ThreadState* self, OpCode op, ObjectState* obj, SiteRef site,
                     ObjectState* lock) {
  self->run->sched->Point(self, op, obj, site, lock);
}

// The point inlined here too, and FastTrack's common case after it: one frame per access
// instead of SharedBegin's and ControlledPoint's (~25 instructions an access).
bool ControlledSharedAccess(ThreadState* self, ObjectState* s, bool write, SiteRef site,
                            SharedAccessRest rest) {
  self->run->sched->Point(self, write ? OpCode::kWrite : OpCode::kRead, s, site);
  // This thread runs again. Without an access cost, the inline rules decide most accesses
  // (true: applied, no race); anything else is `rest`'s, which applies the full rules
  // (the inline ones again first: false changed nothing).
  if (self->run->shared_access_cost_ns <= 0 &&
      (write ? s->history.TryWriteFast(self->tid, self->vc, site, 0)
             : s->history.TryReadFast(self->tid, self->vc, site, 0))) {
    return false;
  }
  return rest(self, s, write, site);
}

// Inlined into Park, its one caller.
// inline_limit_ != 0 (PointNoted's test) rules out at once an unwound schedule, a
// recording one and an armed stop: the block of a search that records nothing then only
// counts its row, and finds nothing to do when it resumes.
[[gnu::always_inline]] inline void ControlledScheduler::Block(ThreadState* self) {
  if (inline_limit_ == 0) [[unlikely]] {
    if (aborting_) {
      // A destructor blocking while the schedule is unwound: give the fiber up.
      if (std::uncaught_exceptions() == 0) ThrowRunAborted();
      slots_[self->tid].abandoned = true;
      ReturnToOs();
    }
    Record(self, OpCode::kBlocked, self->waiting_on.load(), self->wait_site, false, nullptr);
  } else {
    ++trace_total_;  // Record of a schedule that does not record
  }
  Reschedule<false, true>(self);  // Park's callers made it kBlocked
  if (inline_limit_ == 0) [[unlikely]] {
    if (aborting_) {
      if (std::uncaught_exceptions() == 0) ThrowRunAborted();
      slots_[self->tid].abandoned = true;
      ReturnToOs();
    }
    AtResume(self);
  }
}

bool ControlledScheduler::Park(ThreadState* self, ObjectState* obj) {
  Block(self);  // inlined: one frame
  self->waiting_on.store(nullptr, std::memory_order_relaxed);
  self->wait_kind = WaitKind::kNone;
  const bool woke = !self->timed_out;
  if (!woke) RemoveWaiter(obj, self);
  return woke;
}


void ControlledScheduler::Spawn(ThreadState* t) {
  // The random strategy (final) keeps the base's no-op: no virtual call per thread.
  if (random_ == nullptr) strategy_->OnThreadCreated(t->tid);
  if (wants_events_) recorder_.OnSpawn(t);
  if (t->tid >= 64) {
    many_threads_ = true;
    UpdateFastPath();
  }
  SetState(t, ThreadState::Sched::kRunnable);
  t->fiber = pool_->Create(&FiberStart, this, t);
  InitSlot(t);
}


void ControlledScheduler::GrowChoices() {
  const std::size_t used = static_cast<std::size_t>(choice_end_ - choices_.get());
  const std::size_t cap = choice_limit_ == nullptr ? 256 : 2 * used;  // full when called
  std::unique_ptr<ChoiceRecord[]> bigger(new ChoiceRecord[cap]);
  std::copy(choices_.get(), choice_end_, bigger.get());
  choices_ = std::move(bigger);
  choice_end_ = choices_.get() + used;
  choice_limit_ = choices_.get() + cap;
}

void ControlledScheduler::GrowThreadTables(std::uint32_t tid) {
  if (slots_.size() > tid) return;
  slots_.resize(tid + 1);
}

void ControlledScheduler::Sleep(ThreadState* self, std::int64_t ns) {
  if (ns <= 0) {
    Reschedule<false>(self);
    AtResume(self);
    return;
  }
  SetState(self, ThreadState::Sched::kBlocked);
  self->wake_at_ns = now_ns_ + ns;
  self->wait_kind = WaitKind::kSleep;
  self->wait_site = self->last_site;
  Reschedule<false>(self);
  self->wait_kind = WaitKind::kNone;
  if (aborting_ && std::uncaught_exceptions() == 0) ThrowRunAborted();
  AtResume(self);
}

void ControlledScheduler::WakeEarliestSleepers() {
  // Every thread has exited (OnThreadExit counts them; a thread ended by the abort path
  // keeps live_threads up and takes the scan below): no sleeper, no stall, the schedule
  // is over. The common end of every schedule, so no scans of the threads for it.
  if (run_->live_threads == 0) ReturnToOs();
  std::int64_t earliest = -1;
  for (auto& up : run_->threads) {
    ThreadState* t = up.get();
    if (TimeCanPassFor(*t) && (earliest < 0 || t->wake_at_ns < earliest)) {
      earliest = t->wake_at_ns;
    }
  }
  if (earliest >= 0) {
    ++time_jumps_;
    now_ns_ = std::max(now_ns_, earliest);
    for (auto& up : run_->threads) {
      ThreadState* t = up.get();
      if (TimeCanPassFor(*t) && t->wake_at_ns <= now_ns_) {
        t->timed_out = t->wait_kind != WaitKind::kSleep;
        SetState(t, ThreadState::Sched::kRunnable);
        t->wake_at_ns = -1;
        // A timed wait that gave up is a row of its own, at the time it gave up: what the
        // thread does next (an ignored try_lock_for's unlocked read) is otherwise drawn
        // right after its "blocked" row, as if the wait had not ended, at the time it began.
        // (A condition variable's has its row already: "timed out, relocks m", wait_ops.cc.)
        if (t->timed_out && t->wait_kind != WaitKind::kCondVar) {
          Record(t, OpCode::kWoke, t->waiting_on.load(), t->wait_site, false, "timed out");
        }
      }
    }
    return;
  }
  bool unfinished = false;
  for (auto& up : run_->threads) unfinished |= !up->finished;
  if (unfinished) {
    Finding f = MakeStallFinding(run_);
    AddFinding(std::move(f));
    EndRun();
  }
  ReturnToOs();
}

void ControlledScheduler::OnPlainAccess(std::uintptr_t addr, std::size_t size, bool write) {
  // On whose stack: the running thread's, most often; a pointer into another's (a local
  // shared by reference) is rarer. The OS context has no stack_top.
  auto on_stack = [&](const ThreadState* t) {
    const auto* f = static_cast<const Fiber*>(t->fiber);
    return f != nullptr && f->stack_top != nullptr &&
           addr >= reinterpret_cast<std::uintptr_t>(f->stack) &&
           addr < reinterpret_cast<std::uintptr_t>(f->stack_top);
  };
  const ThreadState* owner = nullptr;
  if (current_ != nullptr && on_stack(current_)) {
    owner = current_;
  } else {
    for (const auto& t : run_->threads) {
      if (on_stack(t.get())) {
        owner = t.get();
        break;
      }
    }
  }
  if (owner == nullptr) {
    recorder_.OnPlainAccess(addr, size, write, 0, nullptr);
  } else {
    recorder_.OnPlainAccess(addr, size, write, owner->tid,
                            static_cast<const Fiber*>(owner->fiber)->stack_top);
  }
}

void ControlledScheduler::PassPlainAccesses() {
  const std::vector<EventAccess>& plain = recorder_.plain();
  if (plain.empty()) return;
  strategy_->StepAccesses(plain.data(), plain.size());
  recorder_.ClearPlain();
}


void ControlledScheduler::WakeSpuriously(ThreadState* next, bool from_runnable) {
  // The running thread could have gone on: the step of its last row has not happened yet
  // (it happens when the thread next runs). A preemption marks such a row with a ⟲; this
  // switch is no preemption, so the row says it, or it reads as done: "lock m" and then
  // the woken thread running on under m.
  if (from_runnable && record_ && trace_total_ > 0) {
    RawEvent& last = trace_[(trace_total_ - 1) & (kTraceRing - 1)];
    if (last.note == nullptr && current_ != nullptr && last.tid == current_->tid) {
      last.note = kSwitchedBeforeNote;
    }
  }
  next->spurious = true;
  ++spurious_wakeups_;
  SetState(next, ThreadState::Sched::kRunnable);
  next->wake_at_ns = -1;
  Record(next, OpCode::kWoke, next->waiting_on.load(), next->wait_site, false,
         "spurious wake-up");
}

void ControlledScheduler::RescheduleSlow(ThreadState* self) {
  // Reschedule's callers always pass the thread that reached the point (never null).
  const std::uint32_t self_tid = self->tid;
  if (self_tid >= slots_.size()) [[unlikely]] GrowThreadTables(self_tid);
  RescheduleFrom(self, slots_[self_tid].points++);
}

void ControlledScheduler::RescheduleFrom(ThreadState* self, std::uint32_t self_point) {
  const std::uint32_t self_tid = self->tid;
  while (true) {
    // The options as tids (tid == index in run_->threads), current thread first, then the
    // other runnable ones, then (spurious wake-ups) blocked condvar waiters; in plain
    // arrays, as this runs at every step.
    const std::size_t n_threads = run_->threads.size();
    const bool self_runnable = !self->finished && self->sched == ThreadState::Sched::kRunnable;
    bool self_can_run = self_runnable;
    bool narrowed = false;
    std::uint32_t* tids;
    int nr = 0;
    int ns = 0;
    if (n_threads <= 64) [[likely]] {
      // The runnable set as a bit mask, in tid order: which threads can run changes at
      // random from step to step, and a scan that branches per thread is mispredicted
      // about half the time. (self_tid < 64: every thread has a bit.)
      tids = small_tids_;
      std::uint64_t bits = runnable_bits_ & ~(std::uint64_t{1} << self_tid);
      if (spinning_bits_ != 0) [[unlikely]] {
        // Fair spinning: a busy-waiting thread is no option while a thread that is not
        // spinning can run (so switching away from a spinner is no preemption, and two
        // spinners cannot starve a third thread by handing the turn to each other). All
        // runnable threads spin but one sleeps or waits with a deadline: virtual time
        // passes, as it would while they spin, once each spinner has polled since the
        // last step that was not a poll (spin_owed_bits_): a spinner whose poll would now
        // succeed (the other thread posted, then waits with a timeout) must not sleep
        // through it, or a correct trywait-and-yield loop beside a timed wait looped in
        // virtual time to the step budget (`livelock`). None: the spinners go on (a spin
        // nothing will end spends the step budget: `livelock`).
        const std::uint64_t busy = bits & ~spinning_bits_;
        const bool self_busy = self_runnable && !self->spinning;
        const std::uint64_t self_bit = std::uint64_t{1} << self_tid;
        const std::uint64_t owed =
            (bits | (self_runnable ? self_bit : 0)) & spin_owed_bits_;
        if (busy != 0 || self_busy) {
          narrowed = bits != busy || self_runnable != self_busy;
          bits = busy;
          self_can_run = self_busy;
        } else if ((bits != 0 || self_runnable) && AnyTimedWaiter() && owed == 0) {
          WakeEarliestSleepers();
          continue;
        } else if (owed != 0 && AnyTimedWaiter()) {
          // The owed spinners first, in tid order as any choice (self among them: no
          // preemption when it goes on).
          narrowed = owed != (bits | (self_runnable ? self_bit : 0));
          bits = owed & ~self_bit;
          self_can_run = self_runnable && (owed & self_bit) != 0;
        } else if (bits != 0) {
          // Only spinners: they take turns, those that had the fewest turns so far go
          // next (the running one among them, as any other: no preemption), so none is
          // starved by the others passing the turn back and forth.
          const std::uint64_t all = bits | (self_runnable ? std::uint64_t{1} << self_tid : 0);
          const std::uint64_t least = FewestSpinTurns(all);
          narrowed = least != all;
          bits = least;
          self_can_run = false;
        }
      }
      if (self_can_run) tids[nr++] = self_tid;
      while (bits != 0) {
        tids[nr++] = static_cast<std::uint32_t>(__builtin_ctzll(bits));
        bits &= bits - 1;
      }
      if (nr != 0 && opt_.spurious_wakeups) {
        std::uint64_t waiters = cv_waiter_bits_;
        while (waiters != 0) {
          const int i = __builtin_ctzll(waiters);
          waiters &= waiters - 1;
          // (A finished thread is never among them: SetState(kFinished) clears its bit.)
          tids[nr + ns++] = static_cast<std::uint32_t>(i);
        }
      }
    } else {
      tids = CollectOptionsScan(self, self_can_run, &nr, &ns);
    }
    if (nr == 0) {
      // Nothing can run: virtual time jumps to the earliest sleepers, or the run ends.
      WakeEarliestSleepers();
      continue;
    }
    int pick = 0;
    if (nr + ns > 1 || wants_events_) {
      ChoiceView& c = view_;  // DPOR's fields stay null for other strategies (RunSchedule)
      c.num_runnable = nr;
      c.num_spurious = ns;
      c.current_first = self_can_run;
      c.narrowed = narrowed;
      c.tids = tids;
      c.step = StepCountSoFar();
      c.self_tid = self_tid;
      c.self_point = self_point;
      if (wants_events_) {
        PassPlainAccesses();
        recorder_.Describe(run_, opt_.spurious_wakeups);
        c.events = recorder_.events();
        c.accesses = recorder_.accesses();
        c.num_threads = static_cast<int>(n_threads);
        c.time_jumps = time_jumps_;
      }
      pick = strategy_->Pick(c);
      // Not ended here: the other threads may be suspended in destructors, which cannot
      // be unwound; the schedule runs on (option 0) and is reported as redundant.
      if (pick == SchedulingStrategy::kAbandon) redundant_ = true;
      if (pick < 0 || pick >= nr + ns) pick = 0;
      // Real choices only: a path replays them, and DPOR's Pick sees single options too.
      if (nr + ns > 1) {
        AddChoice({self_tid, self_point, tids[pick], pick, nr, self_can_run});
      }
    }
    ThreadState* next = run_->threads[tids[pick]].get();
    if (next->spinning) {
      ++next->spin_turns;
      if (next->tid < 64) PayOwedTurn(next);
    }
    if (pick >= nr) [[unlikely]] WakeSpuriously(next, self_can_run);
    // A preemption is a switch from a thread that could go on to another runnable one. A
    // spurious wake-up the scheduler injects is not one (it is counted apart; its own
    // "woke (spurious wake-up)" row explains why the woken thread runs next).
    if (next == self) return;  // the running thread goes on: no switch
    if (self_can_run && pick < nr) {
      ++preemptions_;
      if (trace_total_ > 0) trace_[(trace_total_ - 1) & (kTraceRing - 1)].preempted = true;
    }
    SwitchTo(next);
    return;
  }
}

std::uint32_t* ControlledScheduler::CollectOptionsScan(ThreadState* self, bool self_can_run,
                                                       int* nr_out, int* ns_out) {
  const std::size_t n_threads = run_->threads.size();
  if (option_tids_.size() < 2 * n_threads) option_tids_.resize(2 * n_threads);
  std::uint32_t* tids = option_tids_.data();
  int nr = 0;
  if (self_can_run) tids[nr++] = self->tid;
  for (std::size_t i = 0; i < n_threads; ++i) {
    ThreadState* t = run_->threads[i].get();
    if (t->sched == ThreadState::Sched::kRunnable && t != self && !t->finished) {
      tids[nr++] = static_cast<std::uint32_t>(i);
    }
  }
  int ns = 0;
  if (nr != 0 && opt_.spurious_wakeups) {
    for (auto& up : run_->threads) {
      ThreadState* t = up.get();
      if (!t->finished && t->sched == ThreadState::Sched::kBlocked &&
          t->wait_kind == WaitKind::kCondVar) {
        tids[nr + ns++] = t->tid;
      }
    }
  }
  *nr_out = nr;
  *ns_out = ns;
  return tids;
}

bool ControlledScheduler::ChooseSpuriousFailure(ThreadState* self, const ObjectState* obj,
                                                SiteRef site) {
  if (aborting_ || !opt_.spurious_wakeups || wants_events_) return false;
  if (option_tids_.size() < 2) option_tids_.resize(2);
  option_tids_[0] = option_tids_[1] = self->tid;
  GrowThreadTables(self->tid);
  ChoiceView c;
  c.num_runnable = 1;  // go on
  c.num_spurious = 1;  // fail spuriously
  c.current_first = true;
  c.tids = option_tids_.data();
  c.step = StepCountSoFar();
  c.self_tid = self->tid;
  c.self_point = slots_[self->tid].points++;
  int pick = strategy_->Pick(c);
  if (pick == SchedulingStrategy::kAbandon) redundant_ = true;
  if (pick < 0 || pick > 1) pick = 0;
  AddChoice({self->tid, c.self_point, self->tid, pick, 1, true});
  if (pick == 1) Record(self, OpCode::kAtomicRmw, obj, site, false, "spurious failure");
  AtResume(self);
  return pick == 1;
}

std::size_t ControlledScheduler::ChooseWaiter(ThreadState* const* waiters, std::size_t count,
                                              ObjectState* obj) {
  ThreadState* const self = current_;
  if (aborting_ || self == nullptr || count < 2) return 0;
  // The waiter at the head of the queue (it waits longest) passed over by kMaxPassedOver
  // wake-ups in a row is woken, without a choice: the same in a search and in its replay.
  // A thread waiting for a lock that pollers keep taking and releasing (lock, look at the
  // queue, unlock, yield) was passed over at every unlock by a strategy that prefers them
  // (PCT's fixed priorities): a correct pool was a livelock at the step budget, which no
  // OS keeps up. Fair spinning only, and not under DPOR, whose choices stay its own.
  const bool aging = opt_.fair_spinning && !wants_events_;
  if (aging) {
    if (obj->wake_head != waiters[0]) {
      obj->wake_head = waiters[0];
      obj->wake_head_passed = 0;
    } else if (obj->wake_head_passed >= kMaxPassedOver) [[unlikely]] {
      obj->wake_head = nullptr;
      if (record_ && trace_total_ > 0) NoteWoken(self, waiters[0]);
      return 0;
    }
  }
  if (fast_path_ && !point_hooks_) {
    // A search that records nothing, with the random strategy (Reschedule's inline case):
    // the same draw as its Pick of this ChoiceView (no spurious options), the thread's
    // point counted; no options listed, no choice logged, no note, no stop to look for.
    // (fast_path_: every tid is below 64, and slots_ has 64 slots at least.)
    ++slots_[self->tid].points;
    const auto pick = static_cast<std::size_t>(random_->PickOf(static_cast<int>(count), 0));
    if (aging) obj->wake_head_passed = pick == 0 ? 0 : obj->wake_head_passed + 1;
    return pick;
  }
  if (option_tids_.size() < count) option_tids_.resize(count);
  for (std::size_t i = 0; i < count; ++i) option_tids_[i] = waiters[i]->tid;
  GrowThreadTables(self->tid);
  ChoiceView c;
  c.num_runnable = static_cast<int>(count);
  c.wake = true;
  c.tids = option_tids_.data();
  c.step = StepCountSoFar();
  c.self_tid = self->tid;
  // A choice of its own in the thread's progress (the shrinker's anchor), as a point is.
  c.self_point = slots_[self->tid].points++;
  int pick = strategy_->Pick(c);
  if (pick == SchedulingStrategy::kAbandon) redundant_ = true;
  if (pick < 0 || pick >= c.num_runnable) pick = 0;
  AddChoice({self->tid, c.self_point, option_tids_[pick], pick, c.num_runnable, false});
  if (record_ && trace_total_ > 0) NoteWoken(self, waiters[pick]);
  if (aging) obj->wake_head_passed = pick == 0 ? 0 : obj->wake_head_passed + 1;
  AtResume(self);
  return static_cast<std::size_t>(pick);
}

void ControlledScheduler::NoteWoken(const ThreadState* self, const ThreadState* woken) {
  // The waker's latest row is the operation that wakes (notify, unlock, release, or the
  // wait that releases its lock): nothing of its own was recorded since its point.
  const std::size_t kept = std::min(trace_total_, kTraceRing);
  for (std::size_t back = 1; back <= kept; ++back) {
    RawEvent& e = trace_[(trace_total_ - back) & (kTraceRing - 1)];
    if (e.tid != self->tid) continue;
    if (e.op == OpCode::kSay) return;  // words of the puzzle's: no room for a note
    std::string note = e.note != nullptr ? e.note : "";
    // Several wake-ups of one operation (release(2)): "wakes a, b".
    if (note.find("wakes ") != std::string::npos) {
      note += ", " + woken->name;
    } else {
      note += (note.empty() ? "wakes " : "; wakes ") + woken->name;
    }
    e.note = words_.emplace_back(std::move(note)).c_str();
    return;
  }
}

[[gnu::always_inline]] inline void ControlledScheduler::SwitchTo(ThreadState* next) {
  ThreadState* prev = current_;
  if (prev == next) return;
  current_ = next;
  SetSelf(next);
  slots_[next->tid].started = true;  // sized for every thread by RunSchedule and Spawn
  Fiber* from = prev != nullptr ? static_cast<Fiber*>(prev->fiber) : pool_->OsFiber();
  SwitchFiber(from, static_cast<Fiber*>(next->fiber));
}

void ControlledScheduler::ReturnToOs() {
  ThreadState* prev = current_;
  current_ = nullptr;
  SetSelf(nullptr);
  SwitchFiber(static_cast<Fiber*>(prev->fiber), pool_->OsFiber());
  // Resumed only to be unwound (UnwindRemaining switched back here).
  ThrowRunAborted();
}

void ControlledScheduler::EndRun() {
  ended_ = true;
  ThreadState* prev = current_;
  current_ = nullptr;
  SetSelf(nullptr);
  SwitchFiber(static_cast<Fiber*>(prev->fiber), pool_->OsFiber());
  // Resumed by UnwindRemaining: unwind this thread's stack.
  if (std::uncaught_exceptions() == 0) ThrowRunAborted();
  slots_[prev->tid].abandoned = true;
  ReturnToOs();
}

void ControlledScheduler::AbandonRunning() {
  ThreadState* prev = current_;
  slots_[prev->tid].abandoned = true;
  current_ = nullptr;
  SetSelf(nullptr);
  SwitchFiber(static_cast<Fiber*>(prev->fiber), pool_->OsFiber());
  __builtin_unreachable();  // an abandoned fiber is never switched to again
}

void ControlledScheduler::AbandonFromSignal(const std::string& why) {
  (void)why;
  hang_ = true;
  ended_ = true;
  ThreadState* prev = current_;
  if (prev != nullptr) slots_[prev->tid].abandoned = true;
  current_ = nullptr;
  SetSelf(nullptr);
  Fiber* from = prev != nullptr ? static_cast<Fiber*>(prev->fiber) : pool_->OsFiber();
  SwitchFiber(from, pool_->OsFiber());
  __builtin_unreachable();
}

void ControlledScheduler::UnwindRemaining() {
  aborting_ = true;
  UpdateInlineLimit();
  // Youngest first: a thread's objects usually live in the frames of the thread that
  // started it, which must still be there while the younger one unwinds.
  for (std::size_t i = run_->threads.size(); i-- > 0;) {
    ThreadState* t = run_->threads[i].get();
    if (t->finished || t->fiber == nullptr) continue;
    if (i >= slots_.size() || !slots_[i].started || slots_[i].abandoned) continue;
    abort_steps_ = 0;
    EhGlobals* eh = CurrentEhGlobals();
    const EhGlobals saved = *eh;
    SwitchTo(t);  // the thread throws RunAborted where it stopped and returns here
    *eh = saved;  // (or was given up mid-unwind, leaving an exception counted in flight)
  }
}

// The trace in the terms of the code under test: operations without a site of the code
// under test (a spec's machinery: starting and joining its threads, its own reads and
// sleeps inside a callback or around a call of the solution; spec files have no sites,
// see Fix) are left out, and so is a thread without any operation left. A thread's end,
// a wake-up and a puzzle event stay, with or without a line. Threads keep their creation
// order.
// An object's name in the trace: a std:: object without a name of its own (not a global)
// is named by its standard type and first use site ("std::mutex@fizzbuzz.cpp:12"), so a
// writer can label it short and say what it is (report.h, LabelTraceObjects).
static std::string TraceName(const ObjectState* obj) {
  if (obj == nullptr) return "";
  auto* s = const_cast<ObjectState*>(obj);
  std::string name = NameOf(s);
  if (s->std_type != nullptr && s->given_name.empty() && s->kind != ObjKind::kThread) {
    return s->std_type + ("@" + name);
  }
  return name;
}

namespace {
// A thread's step is recorded at its scheduling point, before it runs. When the scheduler
// switches away from the thread there (a preemption, TraceEvent::preempted), the step runs
// only when the thread is next scheduled: just before the thread's next row, or after the
// last row when the trace ends first (a deadlock found meanwhile). Each such row is moved
// there, so that the table reads in the order things happened (never "a unlocks m" above
// "b blocks on m", with a still holding it). Where the moved row was recorded, its thread
// had just resumed; when its row before was a block (a lock, a join: they have no wake-up
// row of their own), a "woke" row stays there, so that the lock it took shows as taken.
void DrawPreemptedStepsWhereTheyRan(Trace* tr) {
  std::vector<TraceEvent>& ev = tr->events;
  const std::size_t n = ev.size();
  constexpr std::size_t kEnd = ~std::size_t{0};
  std::vector<std::size_t> target(n, kEnd);  // kEnd for a row that stays, or goes last
  std::vector<bool> moved(n, false);
  std::vector<TraceEvent> woke(n);  // what a moved row leaves where it was recorded
  std::vector<bool> leaves(n, false);
  bool any = false;
  for (std::size_t i = 0; i < n; ++i) {
    if (!ev[i].preempted || ev[i].race) continue;
    moved[i] = any = true;
    for (std::size_t j = i + 1; j < n; ++j) {
      if (ev[j].thread == ev[i].thread) {
        target[i] = j;
        break;
      }
    }
    for (std::size_t j = i; j > 0; --j) {
      if (ev[j - 1].thread != ev[i].thread) continue;
      const TraceEvent& blocked = ev[j - 1];
      if (blocked.op == "blocked" && !blocked.race) {
        leaves[i] = true;
        woke[i].thread = blocked.thread;
        woke[i].op = "woke";
        woke[i].object = blocked.object;
        woke[i].site = blocked.site;
        woke[i].vtime_ns = ev[i].vtime_ns;
      }
      break;
    }
  }
  if (!any) return;
  std::vector<TraceEvent> out;
  out.reserve(n + 4);
  for (std::size_t j = 0; j <= n; ++j) {
    const std::size_t at = j < n ? j : kEnd;
    for (std::size_t i = 0; i < n; ++i) {
      if (moved[i] && target[i] == at) out.push_back(std::move(ev[i]));
    }
    if (j == n) break;
    if (!moved[j]) {
      out.push_back(std::move(ev[j]));
    } else if (leaves[j]) {
      out.push_back(std::move(woke[j]));
    }
  }
  ev = std::move(out);
}
}  // namespace

// The note of the event a wrong output is about (BuildTrace's `focus`), on its row.
constexpr const char* kWrongItemNote = "the wrong item";

// `focus`: the words (words_'s own string) of the kSay event the finding is about: its row
// is noted kWrongItemNote and the trace ends there (Trace::later counts what follows).
Trace ControlledScheduler::BuildTrace(const char* focus) const {
  Trace tr;
  const std::size_t n = std::min(trace_total_, kTraceKeep);
  const std::size_t first = trace_total_ - n;
  tr.truncated = first > 0;
  const auto machinery = [](const RawEvent& e) {
    return !e.site.known() &&
           (e.tid == 0 || (e.op != OpCode::kExit && e.op != OpCode::kWoke && e.op != OpCode::kSay));
  };
  std::vector<int> column(run_->threads.size(), -1);
  for (std::size_t i = first; i < trace_total_; ++i) {
    const RawEvent& e = trace_[i & (kTraceRing - 1)];
    if (!machinery(e) && e.tid < column.size()) column[e.tid] = 0;
  }
  // A racing access older than the kept events is not drawn (the header still names it).
  const auto drawn = [&](const RaceRow& r) { return r.step >= first && r.step <= trace_total_; };
  for (const RaceRow& r : race_rows_) {
    if (drawn(r) && r.tid < column.size()) column[r.tid] = 0;
  }
  for (std::size_t t = 0; t < column.size(); ++t) {
    if (column[t] < 0) continue;
    column[t] = static_cast<int>(tr.threads.size());
    tr.threads.push_back(run_->threads[t]->name);
  }
  // The racing plain accesses made at step `i` (after event i - 1), as rows of their own:
  // at the time of the event before them (a plain access takes no virtual time of its own
  // beyond its cost), or the current time for the access being made now.
  const auto race_rows_at = [&](std::size_t i) {
    for (const RaceRow& r : race_rows_) {
      if (r.step != i || !drawn(r)) continue;
      TraceEvent ev;
      ev.thread = r.tid < column.size() ? column[r.tid] : static_cast<int>(r.tid);
      ev.op = r.write ? "write" : "read";
      ev.object = r.object;
      ev.site = ToSource(r.site);
      ev.vtime_ns = i == trace_total_ ? now_ns_ : i > first ? trace_[(i - 1) & (kTraceRing - 1)].vtime : 0;
      ev.note = "data race";
      ev.race = true;
      tr.events.push_back(std::move(ev));
    }
  };
  for (std::size_t i = first; i < trace_total_; ++i) {
    race_rows_at(i);
    const RawEvent& e = trace_[i & (kTraceRing - 1)];
    if (machinery(e)) continue;
    TraceEvent ev;
    ev.thread = e.tid < column.size() ? column[e.tid] : static_cast<int>(e.tid);
    const bool said = e.op == OpCode::kSay && e.note != nullptr;  // the note is the words
    ev.op = said ? e.note : OpName(e.op);
    ev.object = TraceName(e.obj);
    ev.site = ToSource(e.site);
    ev.preempted = e.preempted;
    ev.vtime_ns = e.vtime;
    if (e.note != nullptr && !said) ev.note = e.note;
    if (said && focus != nullptr && e.note == focus) ev.note = kWrongItemNote;
    if (e.lock != nullptr) ev.lock = TraceName(e.lock);
    tr.events.push_back(std::move(ev));
  }
  race_rows_at(trace_total_);
  DrawPreemptedStepsWhereTheyRan(&tr);
  if (focus != nullptr) {
    // After the rows are in the order things ran: the failure is the last row drawn.
    for (std::size_t k = 0; k < tr.events.size(); ++k) {
      if (tr.events[k].note != kWrongItemNote) continue;
      tr.later = static_cast<int>(tr.events.size() - k - 1);
      tr.events.resize(k + 1);
      break;
    }
  }
  return tr;
}

void ControlledScheduler::Annotate(Finding& f) {
  // The token so far; explore sets the complete one when the schedule has ended.
  f.replay = std::string(kTokenVersion) + "." + strategy_->Token() + token_flags_;
  // Not recording: no trace (the ring holds nothing of this schedule); explore reruns
  // the schedule recording when it keeps the finding.
  const std::size_t focus = std::exchange(focus_say_, static_cast<std::size_t>(-1));
  if (!record_) return;
  // The event a wrong output is about, when its words are the ones the spec blamed.
  const char* words = nullptr;
  if (focus < words_.size() && words_[focus] == focus_words_) words = words_[focus].c_str();
  f.trace = BuildTrace(words);
  if (strategy_->Minimal()) {
    f.trace->preemptions = preemptions_;
    f.trace->spurious_wakeups = spurious_wakeups_;
  }
}

std::uint64_t ControlledScheduler::Decisions() const {
  std::uint64_t sum = 0;
  const std::size_t n = run_ != nullptr ? std::min(run_->threads.size(), slots_.size()) : 0;
  for (std::size_t i = 0; i < n; ++i) sum += slots_[i].points;
  return sum;
}

void ControlledScheduler::NoteSignalFinding(const Finding& f) {
  // On the controlled OS thread, in the handler, the schedule stopped where it was: what
  // the ring held then (trace_total_ events, the last decision's marks) is what the
  // rerun's ring holds when the same thread resumes after as many decisions.
  if (current_ == nullptr || run_ == nullptr) return;
  signal_noted_.set = true;
  signal_noted_.events = trace_total_;
  signal_noted_.tid = current_->tid;
  signal_noted_.decisions = Decisions();
  signal_noted_.finding = f;
}

void ControlledScheduler::StopIfReached(ThreadState* self) {
  if (aborting_ || trace_total_ != stop_.events || self->tid != stop_.tid ||
      Decisions() != stop_.decisions) {
    return;
  }
  // The first run's thread ran its own code from here until the signal, recording
  // nothing and making no decision: the trace is complete. End as the signal did.
  stop_armed_ = false;
  AddFinding(stop_.finding);
  AbandonFromSignal("rerun stopped where the signal came");
}

}  // namespace lab::internal
