// controlled_scheduler.h — one schedule of a controlled run.
//
// Runs the body and every lab thread it starts as fibers on the calling OS thread, one
// at a time. At every scheduling point (runtime.h: Point) the strategy picks who runs
// next; blocking parks the fiber; time is virtual and jumps to the earliest sleeper when
// nothing can run. Nothing runnable and nothing sleeping while threads remain is a
// deadlock or stall, found at once. The trace of the schedule is kept (the last
// kTraceKeep operations) and attached to its findings with the replay token.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "event_recorder.h"
#include "fiber.h"
#include "lab/explore.h"
#include "random_strategy.h"
#include "runtime.h"
#include "strategy.h"

namespace lab::internal {

// One real choice of a schedule (more than one option), as the shrinker reads it.
struct ChoiceRecord {
  std::uint32_t self_tid = 0;    // the thread that reached the scheduling point
  std::uint32_t self_point = 0;  // how many scheduling points that thread reached before
  std::uint32_t picked_tid = 0;  // the thread that ran next (or woke spuriously)
  int pick = 0;                  // the option index taken
  int num_runnable = 0;          // options below this are runnable threads, the rest spurious
  bool current_first = false;    // option 0 was the running thread going on
  // A switch from the running thread to another runnable one (a spurious wake-up is not).
  bool preemptive() const { return current_first && pick != 0 && pick < num_runnable; }
  bool spurious() const { return pick >= num_runnable; }
};

struct ScheduleOutcome {
  std::vector<Finding> findings;
  RunStats stats;
  bool hang = false;  // a thread was abandoned by the watchdog; stop exploring
  bool redundant = false;  // the strategy abandoned it (DPOR: equivalent to one explored)
};

// Tests only (tests/stdcxx): whether DPOR's footprints take the std:: dialect's plain
// accesses (on by default). Off, DPOR sees only the scheduling points' objects, as before
// issue #8: a test compares the two. Read when a scheduler is made or given a strategy.
void SetPlainFootprints(bool on);
bool PlainFootprints();

class ControlledScheduler {
 public:
  // `steps` counts scheduling points for the hang watchdog; it outlives the scheduler.
  ControlledScheduler(const Options& options, SchedulingStrategy* strategy, FiberPool* pool,
                      std::string token_flags, std::atomic<std::uint64_t>* steps);
  ~ControlledScheduler();

  // Runs one schedule of `body`. The strategy's BeginSchedule was called by the caller.
  ScheduleOutcome RunSchedule(const std::function<void()>& body);
  // The strategy of the following schedules (the shrinker runs its candidates this way).
  void SetStrategy(SchedulingStrategy* strategy) {
    strategy_ = strategy;
    wants_events_ = strategy->WantsEvents();
    wants_points_ = strategy->WantsPoints();
    UpdatePointHooks();
    records_plain_ = wants_events_ && PlainFootprints();
    random_ = dynamic_cast<RandomStrategy*>(strategy);
    UpdateFastPath();
  }
  // Recording: the trace ring (the rows a finding's interleaving is drawn from) and the
  // choice log (choices(), the shrinker's input). On unless turned off. explore runs the
  // random and PCT schedules with it off (a schedule counts its events, StepCount, but
  // writes none) and reruns a schedule that found something from its token with it on,
  // which draws the same trace (tokens reproduce byte for byte): the search pays nothing
  // per step for traces it throws away. Set between schedules only.
  void SetRecording(bool on) {
    record_ = on;
    UpdatePointHooks();
  }
  bool recording() const { return record_; }
  // A schedule that a signal ended (hang watchdog, abort(), a fault, a stack overflow):
  // where it was when the handler fired, and the finding the handler made (before
  // Annotate), noted by NoteSignalFinding. Its rerun is armed with it (ArmSignalStop):
  // when the rerun's running thread reaches the same place (the same events recorded, the
  // same thread, the same scheduling decisions made, see StopIfReached) the rerun ends
  // there as the signal ended the first run, the noted finding annotated with the rerun's
  // trace, without running into the hang or the crash again.
  struct SignalStop {
    bool set = false;
    std::size_t events = 0;     // trace_total_
    std::uint32_t tid = 0;      // the running thread
    std::uint64_t decisions = 0;  // Decisions()
    Finding finding;
  };
  // Called by a signal handler on the controlled OS thread, right before it adds `f`.
  void NoteSignalFinding(const Finding& f);
  // The last schedule's note (set only when a signal ended it); cleared by RunSchedule.
  SignalStop TakeSignalStop() { return std::move(signal_noted_); }
  // For the next schedule only (RunSchedule disarms it when it returns).
  void ArmSignalStop(SignalStop s) {
    stop_ = std::move(s);
    stop_armed_ = stop_.set;
    UpdatePointHooks();
  }
  // The real choices of the last schedule run, in order: its path is their `pick`s.
  // (A copy: only the shrinker asks, once per candidate.) Empty when not recording.
  std::vector<ChoiceRecord> choices() const {
    return std::vector<ChoiceRecord>(choices_.get(), choice_end_);
  }

  // ---- Called by the runtime from lab threads (fibers) ----
  // Called only through runtime.h's ControlledPoint (controlled_scheduler.cc), into which
  // it is inlined.
  inline void Point(ThreadState* self, OpCode op, ObjectState* obj, SiteRef site,
                    ObjectState* lock = nullptr);
  // Point for a puzzle event (OpCode::kSay): the trace shows `words`.
  void Say(ThreadState* self, std::string_view words, SiteRef site);
  // A row of the trace that is no scheduling point (a condition-variable waiter taking its
  // lock back): the interleaving shows `words` and `obj`; the schedule, its choices and
  // its replay token do not change. `words` is a static string.
  // Inline: a schedule that records nothing (the random and PCT searches) only counts it,
  // as Record does, without a call (once per condition-variable wait).
  void TraceRow(ThreadState* self, const char* words, const ObjectState* obj, SiteRef site) {
    if (!record_ && !aborting_ && !stop_armed_) [[likely]] {
      ++trace_total_;
      return;
    }
    TraceRowSlow(self, words, obj, site);
  }
  // Parks `self` (already marked kBlocked, wake_at_ns set for timed waits) until runnable.
  // Park's first part (inlined there).
  inline void Block(ThreadState* self);
  // BlockOn's controlled end (blocking.cc), `self` set up to wait for `obj` as above: Block,
  // then the wait's end (waiting for nothing; off `obj`'s waiters when it timed out).
  // Returns whether it was woken (not timed out).
  bool Park(ThreadState* self, ObjectState* obj);
  // Inline: Wake (blocking.cc) calls it for every thread a notify or an unlock wakes.
  void MakeRunnable(ThreadState* t) {
    SetState(t, ThreadState::Sched::kRunnable);
    t->wake_at_ns = -1;
  }
  // Every change of a thread's scheduling state in a controlled run goes through here:
  // it keeps the runnable set of Reschedule in step with ThreadState::sched.
  // It also keeps the condvar waiters (spurious wake-up candidates): a thread blocked with
  // wait_kind kCondVar. BlockOn sets wait_kind before it blocks the thread, and it changes
  // only after the thread runs again, so the state change is the moment to look at it.
  void SetState(ThreadState* t, ThreadState::Sched s) {
    t->sched = s;
    if (t->tid < 64) {
      const std::uint64_t bit = std::uint64_t{1} << t->tid;
      runnable_bits_ = s == ThreadState::Sched::kRunnable ? runnable_bits_ | bit
                                                          : runnable_bits_ & ~bit;
      cv_waiter_bits_ = s == ThreadState::Sched::kBlocked && t->wait_kind == WaitKind::kCondVar
                            ? cv_waiter_bits_ | bit
                            : cv_waiter_bits_ & ~bit;
    }
  }
  // A compare_exchange_weak of the std:: dialect (stdcxx/tsan_atomics.cc), after its
  // scheduling point: whether it fails spuriously, as C++ allows. A choice of the strategy
  // like a spurious wake-up (option 0 goes on, option 1 fails; recorded, so replays and
  // the shrinker see it), only with spurious wake-ups on and not under DPOR (whose events
  // do not model it: a missed failure there, never a false one).
  bool ChooseSpuriousFailure(ThreadState* self, const ObjectState* obj, SiteRef site);
  // Which of `count` threads blocked on one object (`waiters`, in the order they began to
  // wait) a wake-up by the running thread wakes: the strategy's choice when count > 1
  // (ChoiceView::wake; recorded, so replays and the shrinker see it), 0 (the longest
  // waiter) otherwise and while the schedule is unwound. The running thread's last row
  // notes whom it woke. Called by blocking.cc's WakeOne and WakeSome only.
  // `obj`: the object waited for (its wake_head, wake_head_passed).
  std::size_t ChooseWaiter(ThreadState* const* waiters, std::size_t count, ObjectState* obj);
  // The first waiter, passed over this many wake-ups in a row, is woken next (ChooseWaiter).
  static constexpr std::int32_t kMaxPassedOver = 32;
  void Spawn(ThreadState* t);
  void Sleep(ThreadState* self, std::int64_t ns);
  // Ends the schedule after a fatal finding; does not return to the caller.
  [[noreturn]] void EndRun();
  // Attaches the trace and replay token to a finding of this schedule.
  void Annotate(Finding& f);
  // runner_hooks.h FocusNextFindingOnSay: the next Annotate ends its trace at that event.
  void FocusNextFindingOnSay(std::size_t index, std::string_view words) {
    focus_say_ = index;
    focus_words_.assign(words);
  }
  bool aborting() const { return aborting_; }
  // While aborting: gives the running fiber up (RunAborted cannot unwind it: a destructor,
  // a noexcept function or a noexcept pthread interposer of the std:: dialect is in the
  // way) and returns to RunSchedule. Never returns.
  [[noreturn]] void AbandonRunning();
  // Keeps a destroyed object until the schedule ends (its trace events name it).
  void Bury(ObjectState* s) { graveyard_.push_back(s); }
  // The standard-C++ dialect's plain loads and stores (stdcxx/plain_memory.cc): with a
  // strategy that WantsEvents (DPOR) they join the running step's footprint; otherwise
  // (and while an ended schedule unwinds) they are not recorded, at the cost of this test.
  bool RecordsPlainAccesses() const { return records_plain_ && !aborting_; }
  void OnPlainAccess(std::uintptr_t addr, std::size_t size, bool write);
  std::int64_t now_ns() const { return now_ns_; }
  RunStats Stats() const;
  // How many trace events this schedule has recorded: a plain access made now happened
  // after event StepCount() - 1 and before the next one (plain accesses are no events).
  std::uint32_t StepCount() const { return static_cast<std::uint32_t>(trace_total_); }
  // The two accesses of a plain-memory data race (stdcxx/plain_memory.cc), drawn as rows
  // of the trace of the finding about to be annotated: `step` is the access's StepCount.
  // Set just before that finding is added, cleared right after (ClearRaceRows).
  struct RaceRow {
    std::uint32_t step = 0;
    std::uint32_t tid = 0;
    bool write = false;
    SiteRef site;
    std::string object;
  };
  void SetRaceRows(std::vector<RaceRow> rows) { race_rows_ = std::move(rows); }
  void ClearRaceRows() { race_rows_.clear(); }

  // ---- Watchdog (another OS thread) ----
  // Called from the signal handler on the controlled OS thread: abandons the running
  // fiber and returns to RunSchedule.
  [[noreturn]] void AbandonFromSignal(const std::string& why);
  ThreadState* running() const { return current_; }
  // The thread `tid` of the running schedule, or null.
  const ThreadState* ThreadById(std::uint32_t tid) const {
    return run_ != nullptr && tid < run_->threads.size() ? run_->threads[tid].get() : nullptr;
  }

  static constexpr std::size_t kTraceKeep = 400;  // the events a trace shows at most

 private:
  // 64 bytes (alignas): the ring is indexed with a shift, not a multiply by 56.
  struct alignas(64) RawEvent {
    std::uint32_t tid;
    OpCode op;
    bool preempted;
    const ObjectState* obj;
    SiteRef site;
    std::int64_t vtime;
    const char* note;  // kSay: the puzzle's words (kept in words_); else a remark or null
    const ObjectState* lock;  // a condition-variable wait's lock
  };
  // Point, its trace row carrying `note` (Say's words).
  inline void PointNoted(ThreadState* self, OpCode op, ObjectState* obj, SiteRef site,
                         ObjectState* lock, const char* note);
  // PointNoted's out-of-line continuations, each of which finishes the point: the
  // schedule is being unwound; strategy hooks or the step budget; a thread starts or stops
  // busy-waiting; the general scheduling (then AfterPointSwitch).
  [[gnu::noinline, gnu::cold]] void PointWhileAborting(ThreadState* self);
  [[gnu::noinline]] void PointGeneral(ThreadState* self, OpCode op, ObjectState* obj);
  [[gnu::noinline]] void PointSpinChange(ThreadState* self);
  void PointSchedule(ThreadState* self);
  // Reschedule<true>'s out-of-line continuations (then AfterPointSwitch).
  [[gnu::noinline]] void RescheduleSlowAtPoint(ThreadState* self);
  [[gnu::noinline]] void RescheduleFromAtPoint(ThreadState* self, std::uint32_t self_point);
  [[gnu::noinline]] void SpuriousAtPoint(ThreadState* self, std::uint32_t next_tid,
                                           bool from_runnable);
  [[gnu::noinline]] void SwitchAtPoint(std::uint32_t next_tid);
  // Resumed at a point by UnwindRemaining (the schedule ended while this thread was
  // preempted there): unwind now rather than run on to the next point.
  void AfterPointSwitch() {
    if (aborting_ && std::uncaught_exceptions() == 0) ThrowAborted();
  }
  [[noreturn]] static void ThrowAborted();
  void Record(ThreadState* t, OpCode op, const ObjectState* obj, SiteRef site, bool preempted,
              const char* note, const ObjectState* lock = nullptr);
  // Picks the next thread and switches to it. `self` may continue when runnable. Inlined
  // into Point and Block: the common case (fast_path_, no spinner) is handled there; the
  // rest goes to RescheduleSlow.
  // kAtPoint: called last by PointNoted; every call it makes is then a tail call that
  // finishes the point (AfterPointSwitch).
  // kSelfOff: `self` is known not to be runnable (it blocks or has finished), so the
  // inline path does not look at it.
  template <bool kAtPoint, bool kSelfOff = false>
  [[gnu::always_inline]] inline void Reschedule(ThreadState* self);
  // Reschedule for every case: counts the point, then RescheduleFrom.
  [[gnu::noinline]] void RescheduleSlow(ThreadState* self);
  // Reschedule after `self`'s point was counted (`self_point`: the points it reached before).
  [[gnu::noinline]] void RescheduleFrom(ThreadState* self, std::uint32_t self_point);
  // The chosen option woke a condition-variable waiter spuriously: it becomes runnable
  // and its trace shows why. `from_runnable`: the running thread could have gone on, and
  // its last row (the step it has not made yet) says the switch came first.
  [[gnu::noinline]] void WakeSpuriously(ThreadState* next, bool from_runnable);
  // ChooseWaiter's note on the waker's latest row: "wakes <woken>".
  void NoteWoken(const ThreadState* self, const ThreadState* woken);

  // That row's note.
  static constexpr const char* kSwitchedBeforeNote =
      "not done yet: a spurious wake-up runs first";
  // The step that just ended: its plain-memory words to the strategy (WantsEvents only).
  void PassPlainAccesses();
  // Nothing is runnable: wakes the earliest sleepers (virtual time jumps), or reports the
  // stall of the unfinished threads and ends the run, or returns to the OS fiber when all
  // are done. Out of line: Reschedule's common path keeps its registers.
  [[gnu::noinline, gnu::cold]] void WakeEarliestSleepers();
  // The step budget is spent: reports a livelock and ends the run.
  [[noreturn, gnu::noinline, gnu::cold]] void ReportLivelock();
  // Reschedule's options of a run with more than 64 threads: a scan of every thread.
  [[gnu::noinline]] std::uint32_t* CollectOptionsScan(ThreadState* self, bool self_can_run,
                                                      int* nr, int* ns);
  // At a scheduling point, the running thread `self` is the only option: no other thread
  // is runnable, no condvar waiter may wake spuriously, and the strategy does not see
  // single options (WantsEvents). Reschedule would let it go on; Point skips the call.
  bool AloneAtPoint(const ThreadState* self) const {
    const std::uint32_t tid = self->tid;
    return !many_threads_ && !wants_events_ && (runnable_bits_ & ~(std::uint64_t{1} << tid)) == 0 &&
           self->sched == ThreadState::Sched::kRunnable &&
           (cv_waiter_bits_ == 0 || !opt_.spurious_wakeups) && tid < slots_.size();
  }
  inline void SwitchTo(ThreadState* next);
  // Point's busy-wait detection (fair spinning): whether `self`, about to do `op` on
  // `obj`, is polling and should let the others run first (ThreadState::spinning,
  // spinning_bits_). Inline; SetSpinning is the rare change of state.
  // The poll window's part, inline; returns whether SetSpinning(self, !self->spinning) is
  // due, which the caller makes.
  inline bool UpdatePollWindow(ThreadState* self, OpCode op, const ObjectState* obj);
  // The window's step for one polling key (the repeat test, the count, the ring).
  inline void AdvancePollWindow(ThreadState* self, std::uintptr_t key);
  // The (kPollLog + 1)-th poll in a row: the logged ones into the empty window, as if it
  // had been kept from the first; from now on it is kept step by step.
  [[gnu::noinline, gnu::cold]] void ReplayPollLog(ThreadState* self);
  [[gnu::noinline]] void SetSpinning(ThreadState* self, bool spinning);
  // Of the threads in the bit set `tids`, those with the fewest spin turns.
  std::uint64_t FewestSpinTurns(std::uint64_t tids) const;
  // `next` (a spinner, tid < 64) was picked to run one step: counts it toward its owed
  // turn and clears its spin_owed_bits_ bit once it has run as many steps as its polling
  // loop has (the distinct operations in its poll window).
  void PayOwedTurn(ThreadState* next);
  // A blocked thread with a deadline (a sleep, a timed wait): time can pass for it...
  static bool TimedWaiter(const ThreadState& t) {
    return !t.finished && t.sched == ThreadState::Sched::kBlocked && t.wake_at_ns >= 0;
  }
  // ... unless it waits for a lock that a runnable spinner holds and unlocks in its
  // polling loop (lock, check, unlock, yield): that unlock hands it over long before any
  // deadline, and a jump to the deadline would time the waiter out at every attempt.
  static bool ReleasedBySpinner(const ThreadState& t);
  static bool TimeCanPassFor(const ThreadState& t) {
    return TimedWaiter(t) && !ReleasedBySpinner(t);
  }
  bool AnyTimedWaiter() const;
  // slots_ has a slot for thread `tid`.
  void GrowThreadTables(std::uint32_t tid);
  // A new thread `t` of this schedule (its fiber made): its slot, fresh.
  void InitSlot(ThreadState* t);
  // point_hooks_ from what it depends on. Recording, or an armed signal stop, sends every
  // point the general way (PointGeneral, PointSchedule: the same choices), which records
  // the step and logs its choice (and where StopIfReached looks after the stop): the
  // inline path of a search that records nothing has neither the writes nor their tests.
  void UpdatePointHooks() {
    point_hooks_ = wants_events_ || wants_points_ || stop_armed_ || record_;
    UpdateInlineLimit();
  }
  // inline_limit_ from what it depends on (PointNoted's one test).
  void UpdateInlineLimit() { inline_limit_ = point_hooks_ || aborting_ ? 0 : step_limit_; }
  // Scheduling decisions made so far this schedule: every Reschedule counts one point of
  // the thread that reached it (Slot::points), so the sum grows between any two times a
  // thread resumes.
  std::uint64_t Decisions() const;
  // Where a thread resumes its own code (after a point, a block, a sleep, a trace row,
  // at its start): with a stop armed, ends the rerun there if this is the noted place.
  void AtResume(ThreadState* self) {
    if (stop_armed_) [[unlikely]] StopIfReached(self);
  }
  [[gnu::noinline, gnu::cold]] void StopIfReached(ThreadState* self);
  // TraceRow's every case (recording, unwinding, a stop armed).
  [[gnu::noinline]] void TraceRowSlow(ThreadState* self, const char* words,
                                      const ObjectState* obj, SiteRef site);
  // fast_path_ from what it depends on (the strategy, many_threads_).
  void UpdateFastPath() { fast_path_ = random_ != nullptr && !wants_events_ && !many_threads_; }
  [[noreturn]] void FiberEntry(ThreadState* t);
  // A fiber's entry: FiberEntry of thread `t` on scheduler `sched`.
  static void FiberStart(void* sched, void* t) {
    static_cast<ControlledScheduler*>(sched)->FiberEntry(static_cast<ThreadState*>(t));
  }
  [[noreturn]] void ReturnToOs();
  void UnwindRemaining();
  Trace BuildTrace(const char* focus = nullptr) const;

  Options opt_;
  SchedulingStrategy* strategy_;
  FiberPool* pool_;
  std::string token_flags_;
  Run run_storage_;  // the run of every schedule, reset in between (keeps its buffers)
  Run* run_ = nullptr;
  ThreadState* current_ = nullptr;
  std::int64_t now_ns_ = 0;
  // Scheduling points of every schedule run with this counter (the hang watchdog's), and
  // its value when this schedule began: their difference is this schedule's count
  // (StepCountSoFar), so a point counts once. step_limit_: the value past which this
  // schedule has spent its step budget.
  std::atomic<std::uint64_t>* steps_;
  std::uint64_t step_base_ = 0;
  std::uint64_t step_limit_ = 0;
  // step_limit_, or 0 while the schedule is unwound (aborting_) or points take the general
  // way (point_hooks_): a point's step count above it leaves PointNoted's inline path.
  std::uint64_t inline_limit_ = 0;
  std::int64_t StepCountSoFar() const {
    return static_cast<std::int64_t>(steps_->load(std::memory_order_relaxed) - step_base_);
  }
  int preemptions_ = 0;
  int spurious_wakeups_ = 0;
  bool aborting_ = false;
  bool ended_ = false;
  bool hang_ = false;
  std::deque<std::string> words_;      // texts of this schedule's kSay events
  // FocusNextFindingOnSay's event (an index into words_, npos: none) and its words.
  std::size_t focus_say_ = static_cast<std::size_t>(-1);
  std::string focus_words_;
  // Ring of the last kTraceRing >= kTraceKeep events (BuildTrace shows kTraceKeep).
  static constexpr std::size_t kTraceRing = 512;
  static_assert((kTraceRing & (kTraceRing - 1)) == 0 && kTraceRing >= kTraceKeep);
  std::vector<RawEvent> trace_;
  std::vector<RaceRow> race_rows_;  // see SetRaceRows
  std::size_t trace_total_ = 0;
  // Reschedule's options (tids) when the run has at most 64 threads (every thread then has
  // a bit in runnable_bits_): room for each thread twice, runnable and spurious.
  std::uint32_t small_tids_[128];
  std::vector<std::uint32_t> option_tids_;  // the options of a run with more threads
  // Reschedule's view of a choice for the strategy, kept from choice to choice: only the
  // fields that change are stored at each one.
  ChoiceView view_;
  std::vector<ObjectState*> graveyard_;
  std::vector<std::unique_ptr<ThreadState>> spare_threads_;
  SpareObjects spare_objects_;
  // Per tid, what the scheduler itself keeps about a thread of this schedule, in one flat
  // array: the per-step path reads it instead of following run_->threads[tid] into the
  // ThreadState. At least 64 slots (every tid of a schedule without many_threads_ has
  // one, no bounds check); InitSlot sets a thread's slot when the thread is made.
  struct Slot {
    ThreadState* thread = nullptr;
    Fiber* fiber = nullptr;
    std::uint32_t points = 0;  // scheduling points reached (ChoiceView::self_point)
    bool started = false;      // switched to at least once (UnwindRemaining)
    bool abandoned = false;    // its fiber was given up (never resumed, stack not reused)
  };
  std::vector<Slot> slots_;
  // The real choices of this schedule, in a plain buffer that keeps its capacity from
  // schedule to schedule: one is appended per real choice, inline in Reschedule (a
  // std::vector's push_back went out of line, ~25 instructions a choice).
  // [choices_, choice_end_) are this schedule's, room up to choice_limit_: an append is a
  // compare, the stores and a bump (no index arithmetic).
  std::unique_ptr<ChoiceRecord[]> choices_;
  ChoiceRecord* choice_end_ = nullptr;
  ChoiceRecord* choice_limit_ = nullptr;
  void AddChoice(const ChoiceRecord& r) {
    if (!record_) return;
    if (choice_end_ == choice_limit_) [[unlikely]] GrowChoices();
    *choice_end_++ = r;
  }
  [[gnu::noinline, gnu::cold]] void GrowChoices();
  std::int64_t abort_steps_ = 0;
  // Bit t: thread t (t < 64) is runnable, i.e. its sched is kRunnable (see SetState).
  std::uint64_t runnable_bits_ = 0;
  // Bit t: thread t (t < 64) is blocked on a condition variable (see SetState).
  std::uint64_t cv_waiter_bits_ = 0;
  // Bit t: thread t (t < 64) is busy-waiting (UpdatePollWindow, SetSpinning). Beyond 64 threads spinners
  // are not told apart.
  std::uint64_t spinning_bits_ = 0;
  // Bit t: spinner t is owed a turn before virtual time may jump: a thread did something
  // other than poll since t last ran (UpdatePollWindow), so t's next poll may succeed.
  std::uint64_t spin_owed_bits_ = 0;
  // Counts the steps that set spin_owed_bits_ (UpdatePollWindow): a spinner pays its owed
  // turn with one whole iteration of its polling loop after the latest of them
  // (PayOwedTurn), not with one step that may come after the loop's check.
  std::uint64_t spin_owed_epoch_ = 0;
  // The schedule has a thread with tid >= 64 (the bit masks above do not cover it).
  bool many_threads_ = false;
  // DPOR (strategies that WantsEvents): every thread's next step, the virtual-time jumps.
  bool wants_events_ = false;
  bool wants_points_ = false;  // the strategy's OnPoint is called (directed search)
  bool point_hooks_ = false;   // UpdatePointHooks: one test per step
  bool records_plain_ = false;  // wants_events_, and PlainFootprints() at the start
  // The strategy when it is the random one (the per-step path draws inline), else null.
  RandomStrategy* random_ = nullptr;
  // Reschedule may take its inline path: the random strategy, no DPOR events, every tid
  // below 64 (the bit sets cover every thread). Spinners still go the general way.
  bool fast_path_ = false;
  EventRecorder recorder_;
  // SetRecording: the trace ring is written and choices are logged (AddChoice; the inline
  // path, taken only when this is off, neither writes nor tests).
  bool record_ = true;
  bool stop_armed_ = false;  // ArmSignalStop: this schedule is a rerun to stop_
  SignalStop stop_;
  SignalStop signal_noted_;  // NoteSignalFinding
  std::uint64_t time_jumps_ = 0;
  bool redundant_ = false;
};

// Takes `t` off `obj`'s waiters (a wait that timed out); blocking.cc.
void RemoveWaiter(ObjectState* obj, ThreadState* t);
// Wakes `n` waiters of `obj` (all of them when there are no more), off its list; returns how
// many (blocking.cc). Which ones, like WakeOne's one, is the strategy's choice in a
// controlled run when several could be (no order is promised: ChooseWaiter); free runs wake
// the longest waiters. Requires RtGuard.
int WakeSome(ObjectState* obj, int n);

// The scheduler of the calling OS thread's current controlled run, or null.
ControlledScheduler* ActiveScheduler();

}  // namespace lab::internal
