// runtime.h — the lab's runtime state: runs, threads, objects, and the runtime lock.
//
// A Run is one detector context: the free run of the process (library mode and stress
// runs, real threads) or one schedule of a controlled run (fibers on one OS thread, see
// controlled_scheduler.h). Every ObjectState remembers the generation of the run that last
// touched it and lazily resets its dynamic state when a new run uses it, so objects that
// outlive a schedule stay consistent.
//
// Locking: in free runs `RtMutex()` guards every slow path (blocking, waking, the
// wait-for and lock-order graphs, findings). Controlled runs execute one fiber at a time
// and take no lock (RtGuard is then a no-op); nothing is ever held across a fiber switch.
//
// Implemented by registry.cc (runs, threads, objects, findings), site_files.cc (whose file a
// site is in), library_mode.cc (the free run's printing, report file and deadlock policy),
// stress_noise.cc (NoisePoint), blocking.cc and the controlled scheduler.
#pragma once

#include <atomic>
#include <cassert>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "lab/finding.h"
#include "lab/internal/hooks.h"
#include "lab/internal/runner_hooks.h"
#include "lab/internal/site.h"
#include "lock_order_graph.h"
#include "race_detector.h"
#include "vector_clock.h"

// liblab is linked only into executables (statically: a submission, the tests, the
// benchmarks), so its thread-locals live in the executable's static TLS block at offsets
// fixed at link time: the local-exec model makes an access one %fs-relative instruction
// (initial-exec, which it was, first loads the offset into a register: ~300 instructions a
// schedule of the bounded buffer). A shared object linking liblab would fail to link (a
// TPOFF relocation), not misbehave. As liblab_std's LAB_STD_TLS (stdcxx/std_tls.h).
#define LAB_TLS __attribute__((tls_model("local-exec"))) thread_local

namespace lab::internal {

class ControlledScheduler;
struct Run;

enum class RunMode : std::uint8_t { kFree, kControlled };

// What a blocked thread waits for (for the wait-for graph and stall reports).
enum class WaitKind : std::uint8_t {
  kNone,
  kLock,        // owned: Mutex, RLock, SharedMutex (exclusive)
  kLockShared,  // owned by the writer
  kJoin,        // owned by the joined thread
  kCondVar,
  kSemaphore,
  kEvent,
  kBarrier,
  kSleep,
  kFutex,  // a futex wait of the std:: dialect (sync/futex_ops.h): a wait queue by address
};
inline bool IsOwnedWait(WaitKind k) {
  return k == WaitKind::kLock || k == WaitKind::kLockShared || k == WaitKind::kJoin;
}

// Operation codes recorded in traces.
enum class OpCode : std::uint8_t {
  kLock, kTryLock, kUnlock, kLockShared, kUnlockShared, kWait, kNotify, kNotifyAll,
  kAcquire, kRelease, kSet, kClear, kIsSet, kEventWait, kBarrier, kRead, kWrite, kAtomicLoad,
  kAtomicRmw, kSleep, kYield, kSpawn, kJoin, kStart, kExit, kBlocked, kWoke, kCharge,
  kSay,  // a puzzle event in the puzzle's words (SayOp); the trace shows the words
  kTryAcquire, kTryLockShared,  // the non-blocking forms (DPOR: they never park)
};
const char* OpName(OpCode op);

// `a == b` for the names a reused thread or object already holds: inline, a few loads
// (names are short; std::string's operator== calls memcmp, twice a thread). Lengths 1-3:
// first, middle and last byte; 4-8: the first and last four bytes (overlapping); 9-16:
// the first and last eight; longer: memcmp.
inline bool SameChars(const std::string& a, std::string_view b) {
  const std::size_t n = b.size();
  if (a.size() != n) return false;
  const char* x = a.data();
  const char* y = b.data();
  if (n <= 3) return n == 0 || (x[0] == y[0] && x[n / 2] == y[n / 2] && x[n - 1] == y[n - 1]);
  if (n <= 8) {
    std::uint32_t x0, x1, y0, y1;
    std::memcpy(&x0, x, 4);
    std::memcpy(&x1, x + n - 4, 4);
    std::memcpy(&y0, y, 4);
    std::memcpy(&y1, y + n - 4, 4);
    return ((x0 ^ y0) | (x1 ^ y1)) == 0;
  }
  if (n <= 16) {
    std::uint64_t x0, x1, y0, y1;
    std::memcpy(&x0, x, 8);
    std::memcpy(&x1, x + n - 8, 8);
    std::memcpy(&y0, y, 8);
    std::memcpy(&y1, y + n - 8, 8);
    return ((x0 ^ y0) | (x1 ^ y1)) == 0;
  }
  return std::memcmp(x, y, n) == 0;
}

// A lock a thread holds (its held list, most recent last).
struct HeldLock {
  ObjectState* obj;
  SiteRef site;
  bool via_try;
  bool shared;
  LockOrderGraph::Node node;
};

// A thread's held list: touched by its owner only, on every lock and unlock, so it is a
// plain growable array whose push and pop are inline (std::vector's emplace_back is an
// out-of-line call). Iterators are pointers; erase keeps the order.
class HeldList {
 public:
  HeldList() = default;
  HeldList(const HeldList&) = delete;
  HeldList& operator=(const HeldList&) = delete;
  ~HeldList() { Free(data_); }

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  HeldLock* begin() { return data_; }
  HeldLock* end() { return data_ + size_; }
  const HeldLock* begin() const { return data_; }
  const HeldLock* end() const { return data_ + size_; }
  std::reverse_iterator<HeldLock*> rbegin() { return std::reverse_iterator<HeldLock*>(end()); }
  std::reverse_iterator<HeldLock*> rend() { return std::reverse_iterator<HeldLock*>(begin()); }
  HeldLock& back() { return data_[size_ - 1]; }
  const HeldLock& back() const { return data_[size_ - 1]; }
  HeldLock& emplace_back() {
    if (size_ == cap_) Grow();
    return data_[size_++];
  }
  bool full() const { return size_ == cap_; }
  HeldLock& emplace_back_unchecked() { return data_[size_++]; }  // requires !full()
  void pop_back() { --size_; }
  HeldLock* erase(HeldLock* it) {
    for (HeldLock* p = it; p + 1 != end(); ++p) *p = p[1];
    --size_;
    return it;
  }
  void clear() { size_ = 0; }

 private:
  // Cache-line aligned: 32-byte entries then never straddle two lines (with malloc's
  // 16-byte alignment, every other entry would, and lock/unlock pay a split access).
  static constexpr std::align_val_t kAlign{64};
  static void Free(HeldLock* d) {
    if (d != nullptr) ::operator delete[](d, kAlign);
  }
  [[gnu::noinline]] void Grow() {
    const std::size_t cap = cap_ == 0 ? 8 : 2 * cap_;
    auto* d = static_cast<HeldLock*>(::operator new[](cap * sizeof(HeldLock), kAlign));
    for (std::size_t i = 0; i < size_; ++i) d[i] = data_[i];
    Free(data_);
    data_ = d;
    cap_ = cap;
  }
  HeldLock* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t cap_ = 0;
};

struct ThreadState {
  Tid tid = 0;
  std::string name;
  Run* run = nullptr;
  VectorClock vc;
  // Bumped whenever vc takes another thread's components (not on own ticks): lets a
  // lock released and re-acquired by one thread skip the vector-clock work.
  std::uint64_t vc_version = 0;
  // std::atomic's memory orders (stdcxx/memory_order.h), C++'s fence rules: the clock at
  // this thread's last release fence (what its later relaxed stores publish) and what its
  // relaxed loads read since its last acquire fence (what that fence will take).
  VectorClock fence_release_vc;
  VectorClock fence_acquire_vc;

  using Held = HeldLock;
  HeldList held;
  // Semaphore permits this thread took and has not given back: gates for lock order.
  std::vector<ObjectState*> sem_held;
  // Lock-order observations this thread already recorded (hash of the requested lock and
  // everything held): a repeat needs neither the runtime lock nor the graph.
  std::uint64_t edge_cache[16] = {};
  bool edge_cache_used = false;  // some entry may be set (Reset clears them only then)
  // A thread of the free run while no stress noise is on: it may take the lock fast paths
  // (set by AddThread and SetStressNoise under the runtime lock; read by the thread).
  std::atomic<bool> fast_paths{false};

  // Blocking (both modes). waiting_on is read by other threads' cycle checks.
  std::atomic<ObjectState*> waiting_on{nullptr};
  WaitKind wait_kind = WaitKind::kNone;
  SiteRef wait_site;
  bool timed_wait = false;
  bool woken = false;               // set by Wake
  std::condition_variable park_cv;  // free mode

  // Controlled mode.
  enum class Sched : std::uint8_t { kRunnable, kBlocked, kFinished };
  Sched sched = Sched::kRunnable;
  std::int64_t wake_at_ns = -1;  // timed block / sleep deadline (virtual), -1 none
  bool timed_out = false;
  bool spurious = false;         // woke spuriously (cond var)
  // Busy-wait detection (ControlledScheduler::Point): the last kPollWindow polling
  // operations (op and object, a ring at poll_pos) and how often in a row the thread
  // repeated one of them. A loop body of up to kPollWindow polling operations counts:
  // `lock; read flag; unlock; yield` is four.
  static constexpr int kPollWindow = 8;
  std::uintptr_t poll_key[kPollWindow] = {};
  int poll_pos = 0;
  int poll_repeats = 0;
  // The window is kept step by step only past kPollLog polls in a row (polling operations
  // since the last one that was not): fewer cannot make kPollsBeforeYield repeats, so the
  // first kPollLog are only logged here (poll_count of them, the window and poll_repeats
  // left empty) and replayed into the window by the next poll (ControlledScheduler::
  // UpdatePollWindow). Most runs of polls are a few steps long: `lock; read` between a
  // store and a wait. poll_log needs no reset: poll_count says what of it is this run's.
  static constexpr int kPollLog = 100;
  int poll_count = 0;  // polls in a row, up to kPollLog + 1 (then the window is kept)
  std::uintptr_t poll_log[kPollLog];
  bool spinning = false;  // busy-waiting: lets the others run first (fair spinning)
  // The step at the coming point wakes nobody (a notify, a futex wake, with no thread
  // waiting): like a read, it changes nothing another thread waits for, so a retry loop
  // that makes it (a spin lock whose unlock notifies std::atomic_flag::wait) still counts
  // as polling. Set by the operation right before its point and cleared right after.
  bool idle_wake = false;
  std::int64_t spin_turns = 0;  // times it was picked to run while spinning
  // The owed turn (ControlledScheduler::spin_owed_bits_) being paid: which change it is
  // owed for (spin_owed_epoch_) and how many of its loop's steps it has run since.
  std::uint64_t owed_epoch = 0;
  int owed_steps = 0;
  void* fiber = nullptr;         // fiber/fiber.h Fiber
  // A blocking call the lab does not model, while the thread is inside it (the std::
  // dialect sets it around such calls: "futex(FUTEX_LOCK_PI) at x.cpp:12"); the hang
  // watchdog names it. A static string or one kept for the process; null otherwise.
  std::atomic<const char*> outside_call{nullptr};
  // The std:: dialect's shadow stack of this thread (stdcxx/shadow_stack.h), set on its
  // first use and kept for the life of the ThreadState (Reset leaves it: the stack resets
  // itself when it meets another run). Null until then, and without the dialect.
  void* dialect_stack = nullptr;
  // The std:: dialect: the heap block of this thread's own std::thread state (libstdc++'s
  // _State_impl: the callable, its captures and arguments), [own_state, own_state +
  // own_state_size), while the thread runs it. Written by the creator before the thread
  // started and freed by the thread itself, it is no other thread's memory until this
  // thread starts one (which may get a reference to a capture: SpawnThread empties the
  // range then): this thread's plain reads of it are not race-checked
  // (stdcxx/pthread_threads.cc, plain_memory.cc). Empty otherwise.
  std::uintptr_t own_state = 0;
  std::size_t own_state_size = 0;

  SiteRef last_site;        // last operation's site in the code under test
  std::int64_t span_ns = 0; // work-span clock (DESIGN §7)
  bool finished = false;
  bool joined = false;
  bool is_lab_thread = false;  // started by lab::Thread (vs. a thread that just used lab ops)
  ObjectState* thread_obj = nullptr;  // the lab::Thread's state
  ThreadFn fn;  // the thread's body (lab/internal/thread_fn.h: small callables inline)

  // Every field back to its initialiser, containers keeping their capacity: controlled
  // runs reuse ThreadStates from schedule to schedule instead of allocating them.
  // `name` is left as it is: AddThread sets it, and skips the copy when a reused state
  // already has it (RunSchedule hands tid i last schedule's tid i).
  [[gnu::always_inline]] void Reset() {
    tid = 0;
    run = nullptr;
    vc.Zero();
    vc_version = 0;
    fence_release_vc.Zero();
    fence_acquire_vc.Zero();
    held.clear();
    sem_held.clear();
    if (edge_cache_used) {
      for (auto& e : edge_cache) e = 0;
      edge_cache_used = false;
    }
    fast_paths.store(false, std::memory_order_relaxed);
    waiting_on.store(nullptr, std::memory_order_relaxed);
    wait_kind = WaitKind::kNone;
    wait_site = {};
    timed_wait = false;
    woken = false;
    sched = Sched::kRunnable;
    wake_at_ns = -1;
    timed_out = false;
    spurious = false;
    for (auto& k : poll_key) k = 0;
    poll_pos = 0;
    poll_repeats = 0;
    poll_count = 0;
    spinning = false;
    idle_wake = false;
    spin_turns = 0;
    owed_epoch = 0;
    owed_steps = 0;
    fiber = nullptr;
    outside_call.store(nullptr, std::memory_order_relaxed);
    own_state = 0;
    own_state_size = 0;
    last_site = {};
    span_ns = 0;
    finished = false;
    joined = false;
    is_lab_thread = false;
    thread_obj = nullptr;
    fn = nullptr;
  }
};

struct ObjectState {
  ObjKind kind;
  // The standard type behind an object of the std:: dialect ("std::mutex"), given by
  // liblab_std's interposer (NewStdObject); null for a lab:: primitive. Messages built
  // from the object speak its dialect (TypeName). A static string.
  const char* std_type = nullptr;
  std::string given_name;
  std::string cached_name;
  SiteRef decl;
  int ordinal = 0;         // n-th unnamed object of its declaration site in its run
  // Unique process-wide, in creation order per OS thread (scoped_lock ordering).
  std::uint64_t key = 0;
  // The n-th object its controlled schedule made (SpareObjects); kNotMade in free runs.
  static constexpr std::uint32_t kNotMade = ~std::uint32_t{0};
  std::uint32_t made_index = kNotMade;
  std::uint64_t gen = 0;   // generation of the run the dynamic state belongs to

  // Locks. Threads spinning on a held lock read `owner`; the padding keeps the fields the
  // owner writes (recursion, clocks, sites) off that cache line. (Padding, not alignas:
  // aligned new costs a memalign per object.)
  std::atomic<ThreadState*> owner{nullptr};
  std::atomic<int> waiter_count{0};
  char owner_line_pad[64];
  int recursion = 0;
  int readers = 0;
  std::vector<ThreadState*> reader_threads;
  SiteRef acquired_site;
  bool lo_node_valid = false;
  // A Mutex or RLock of the free run with a lock-order node: the lock fast paths may be
  // taken (one flag for the generation, kind and node checks). Cleared with lo_node_valid.
  // Atomic: read before the lock is taken, written by its holder under the runtime lock.
  std::atomic<bool> fast_lock{false};
  LockOrderGraph::Node lo_node = 0;
  bool destroyed = false;
  // Stale entries in other threads' held lists (left by an unlock from a non-owner) that
  // still point here; the object is not freed while > 0. Only misuse writes this count;
  // the unlock fast path reads it (> 0: take the slow path, which checks the owner).
  std::atomic<int> held_refs{0};

  // Synchronisation clock: what a release/notify/set/arrive publishes.
  VectorClock vc;
  // When vc_owner is set, vc equals vc_owner's clock at vc_owner_version except possibly
  // an older own component: the epoch fast path of Release/Acquire. Then vc is covered by
  // vc_owner's current clock (AcquireSlow skips the join). Whatever else writes vc clears
  // vc_owner.
  ThreadState* vc_owner = nullptr;
  std::uint64_t vc_owner_version = 0;
  std::int64_t span_ns = 0;  // the giver's work-span clock, carried to the taker
  // A std::atomic: the thread whose release store heads the release sequence vc stands
  // for (stdcxx/memory_order.h); kNoTid when none.
  Tid rs_head = kNoTid;

  // Waiters, FIFO.
  std::vector<ThreadState*> waiters;
  // The waiter at the head of `waiters` when a wake-up last chose among several, and how
  // many wake-ups chose another since (ControlledScheduler::ChooseWaiter: past
  // kMaxPassedOver, it is woken).
  const ThreadState* wake_head = nullptr;
  std::int32_t wake_head_passed = 0;

  // Semaphore / barrier / event.
  int count = 0;
  int initial = 0;
  bool is_set = false;
  int arrived = 0;
  int round = 0;
  VectorClock barrier_vc;  // joined clocks of this round's arrivals
  VectorClock read_vc;     // SharedMutex: what readers published (writers take it)
  std::int64_t read_span_ns = 0;

  // Thread.
  ThreadState* thread = nullptr;
  void* os_thread = nullptr;  // free runs: the std::thread behind a lab::Thread
  int joiners = 0;            // threads inside JoinThread for it

  // Shared.
  AccessHistory history;
  std::atomic<ThreadState*> access_owner{nullptr};  // free mode value guard
  int access_depth = 0;

  // For reuse by a controlled run: the identity and the fields Touch() leaves alone go
  // back to their initialisers; gen = 0 makes the next Touch() reset the rest.
  // `given_name` is left as it is: NewObjectLocked sets it, and skips the copy when the
  // reused object already has it (RunSchedule hands objects out in last schedule's order).
  void ResetForReuse() {
    std_type = nullptr;
    cached_name.clear();
    decl = {};
    ordinal = 0;
    key = 0;
    gen = 0;
    acquired_site = {};
    destroyed = false;
    held_refs.store(0, std::memory_order_relaxed);
    thread = nullptr;
    os_thread = nullptr;
    joiners = 0;
    access_owner.store(nullptr, std::memory_order_relaxed);
    access_depth = 0;
  }
};

// Controlled runs: objects destroyed in earlier schedules, for NewObjectLocked to reuse
// instead of allocating. The n-th object a schedule makes takes the n-th object of an
// earlier one (by_index), most often made by the same declaration, whose name it then
// already holds (no copy); others come from `loose`. Put is O(1): no sort at the end.
class SpareObjects {
 public:
  SpareObjects() = default;
  SpareObjects(const SpareObjects&) = delete;
  SpareObjects& operator=(const SpareObjects&) = delete;
  ~SpareObjects();  // deletes them (registry.cc)
  // Keeps `s` (destroyed) for reuse: inline when its index's place is free.
  void Put(ObjectState* s) {
    const std::uint32_t n = s->made_index;
    if (n < by_index_.size() && by_index_[n] == nullptr) {
      by_index_[n] = s;
      return;
    }
    PutSlow(s);
  }
  // A spare for the object made n-th, or null.
  ObjectState* Take(std::uint32_t n) {
    if (n < by_index_.size() && by_index_[n] != nullptr) {
      ObjectState* s = by_index_[n];
      by_index_[n] = nullptr;
      return s;
    }
    if (loose_.empty()) return nullptr;
    ObjectState* s = loose_.back();
    loose_.pop_back();
    return s;
  }

 private:
  void PutSlow(ObjectState* s);
  std::vector<ObjectState*> by_index_;  // null where taken
  std::vector<ObjectState*> loose_;
};

struct Run {
  std::uint64_t gen = 0;
  RunMode mode = RunMode::kFree;
  ControlledScheduler* sched = nullptr;
  std::vector<std::unique_ptr<ThreadState>> threads;  // index = Tid
  LockOrderGraph lock_order;
  std::vector<ObjectState*> lock_objects;  // lock-order node -> object, for reports
  std::vector<Finding> findings;
  std::vector<std::string> finding_keys;  // dedup
  int live_threads = 0;
  int blocked_threads = 0;  // untimed blocks
  std::uint64_t progress = 0;
  std::int64_t work_ns = 0;
  std::int64_t shared_access_cost_ns = 0;  // charged per Shared access (specs)
  std::vector<std::pair<SiteRef, int>> site_ordinals;
  // Controlled runs: ThreadStates of earlier schedules by tid (null where none), reused by AddThread.
  std::vector<std::unique_ptr<ThreadState>>* spare_threads = nullptr;
  // Controlled runs: objects destroyed in earlier schedules, reused by NewObject; and how
  // many objects this schedule made so far (the next one's made_index).
  SpareObjects* spare_objects = nullptr;
  std::uint32_t objects_made = 0;
  // Called with each new finding, after it was recorded (library mode prints it).
  std::function<void(const Finding&)> on_finding;

  // Every field back to its initialiser, containers keeping their capacity: a controlled
  // run uses one Run for all its schedules. `threads` must already be empty or dead.
  void ResetForReuse() {
    gen = 0;
    mode = RunMode::kFree;
    sched = nullptr;
    threads.clear();
    lock_order.Reset();
    lock_objects.clear();
    findings.clear();
    finding_keys.clear();
    live_threads = 0;
    blocked_threads = 0;
    progress = 0;
    work_ns = 0;
    shared_access_cost_ns = 0;
    site_ordinals.clear();
    spare_threads = nullptr;
    spare_objects = nullptr;
    objects_made = 0;
    if (on_finding) on_finding = nullptr;
  }
};

// A fresh generation number for a new run.
std::uint64_t NewRunGeneration();
// Thrown into a lab thread of a controlled run to unwind it when the schedule has ended.
struct RunAborted {};
// Runs a lab thread's function; an escaping exception becomes uncaught-exception.
void RunThreadBody(ThreadState* t);

// The runtime lock of free runs.
std::mutex& RtMutex();
// The process's free run (library mode, stress runs): created on first use, never destroyed.
Run& FreeRun();
// The run operations happen in. Never null.
Run* CurrentRun();
// The calling lab thread, registering the OS thread in the free run if needed.
// constinit: no TLS wrapper call on each access (the compiler knows it needs no init).
extern constinit LAB_TLS ThreadState* tls_self;
ThreadState* SelfSlow();
inline ThreadState* Self() {
  ThreadState* t = tls_self;
  return t != nullptr ? t : SelfSlow();
}
// Make `run` current (controlled runs) or restore the free run (nullptr).
void SetCurrentRun(Run* run);
// The fiber switcher updates the running thread of a controlled run (at every switch).
inline void SetSelf(ThreadState* t) { tls_self = t; }
inline ThreadState* PeekSelf() { return tls_self; }

// The lab's own long work (reading the program's debug information) on behalf of a lab
// thread. The hang watchdog (explore.cc) counts none of it against the thread: on a loaded
// machine a first symbol lookup can take seconds of page faults, and interrupting it would
// both report a `hang` the student's code does not have and abandon the fiber with the
// lab's lock held (the next lookup, even the run's teardown, would then spin for ever).
extern std::atomic<int> g_lab_slow_work;
class LabSlowWork {
 public:
  LabSlowWork() { g_lab_slow_work.fetch_add(1, std::memory_order_relaxed); }
  ~LabSlowWork() { g_lab_slow_work.fetch_sub(1, std::memory_order_relaxed); }
  LabSlowWork(const LabSlowWork&) = delete;
  LabSlowWork& operator=(const LabSlowWork&) = delete;
};
inline bool InLabSlowWork() { return g_lab_slow_work.load(std::memory_order_relaxed) > 0; }

// The controlled run of the calling OS thread, or null in free runs (CurrentRun,
// InControlledRun). constinit: read without a TLS wrapper call.
extern constinit LAB_TLS Run* tls_run;

// Guard for the runtime lock; a no-op in controlled runs, where it costs one TLS load
// (it is taken on most operations: no call to find the mutex unless it is locked).
// In free runs everything done under it is the lab's own synchronisation (raw_calls.h):
// tls_raw_calls is raised for its lifetime, so a park_cv wait or notify under it is never
// taken for the student's. Not in controlled runs: there it takes no lock, and a guard
// may stay alive across a fiber switch (BlockOn), where a per-OS-thread count would leak
// into the next fiber.
extern constinit LAB_TLS int tls_raw_calls;
// Always inline: a controlled run constructs one on most operations (45 a schedule of the
// bounded buffer), and an out-of-line constructor and destructor were two calls each time.
// The guard itself holds only its flag: the free run's std::unique_lock lives in the OS
// thread's own storage (tls_rt_lock), constructed by Take and destroyed by Drop. A guard's
// address then never escapes, so a controlled run's is a load and a test (its flag stays
// in a register): ~9 instructions a guard less than with the lock a member (its stores,
// its destructor's test). Guards of a free run never nest (the runtime lock is not
// recursive); lock() is the lock of the guard alive on this OS thread.
struct RtLockStorage {
  alignas(std::unique_lock<std::mutex>) unsigned char bytes[sizeof(std::unique_lock<std::mutex>)];
};
extern constinit LAB_TLS RtLockStorage tls_rt_lock;
// A std::unique_lock that owns nothing (registry.cc): RtGuard::lock() of a controlled run.
std::unique_lock<std::mutex>& NoRtLock();
class RtGuard {
 public:
  [[gnu::always_inline]] RtGuard() : raw_(tls_run == nullptr) {
    if (raw_) Take();
  }
  [[gnu::always_inline]] ~RtGuard() {
    if (raw_) Drop();
  }
  RtGuard(const RtGuard&) = delete;
  RtGuard& operator=(const RtGuard&) = delete;
  // The runtime lock this guard holds; an empty lock for a controlled run's guard, which
  // holds none (FatalFinding is handed its address and ends the run before it looks).
  std::unique_lock<std::mutex>& lock() { return raw_ ? FreeLock() : NoRtLock(); }

 private:
  static std::unique_lock<std::mutex>& FreeLock() {
    return *std::launder(reinterpret_cast<std::unique_lock<std::mutex>*>(tls_rt_lock.bytes));
  }
  [[gnu::noinline]] static void Take() {
    ++tls_raw_calls;
    new (tls_rt_lock.bytes) std::unique_lock<std::mutex>(RtMutex());
  }
  // Unlocks unless a FatalFinding already did (through lock()).
  [[gnu::noinline]] static void Drop() {
    FreeLock().~unique_lock();
    --tls_raw_calls;
  }
  bool raw_;
};

// A new thread of the current run (Tid = its index). Requires RtGuard.
// `name` is copied (into the reused ThreadState's own string in controlled runs).
ThreadState* AddThread(Run* run, std::string_view name, ThreadState* parent);
// A lab::Thread's start (requires RtGuard): its object (kThread, NewObjectLocked in `run`)
// and its thread (AddThread with `parent`), linked (thread_obj, thread; is_lab_thread).
ThreadState* NewThreadLocked(Run* run, std::string_view name, SiteRef decl, ThreadState* parent);
// Brings an object's dynamic state into the current run.
void Touch(ObjectState* s, Run* run);
// NewObject without taking the runtime lock (the caller holds it).
ObjectState* NewObjectLocked(ObjKind kind, std::string_view name, SiteRef decl, int initial);
// An object of the std:: dialect: NewObject, and `std_type` ("std::mutex", a static
// string) recorded before anyone (the new-object observer) sees the object.
ObjectState* NewStdObject(ObjKind kind, const char* std_type, std::string_view name,
                          const Loc& decl, int initial = 0);
// Whether this process has created a std:: dialect object (the hang advice's dialect).
bool StdObjectsSeen();
// The object's type as its dialect spells it: "std::mutex", "lab::Mutex".
const char* TypeName(const ObjectState* s);
// Object name for reports.
std::string NameOf(ObjectState* s);
std::string ThreadName(const ThreadState* t);

// Whether a site lies in the lab's, the standard library's or a spec's files (a spec's: a
// file registered with MarkSpecFile by LAB_PUZZLE/LAB_SCENARIO, or a spec header).
bool IsInternalFileSlow(const char* file);
// `file` is a registered spec file (also when named with a directory) or a spec header.
bool IsSpecFile(const char* file);
// File names are static strings, so a small per-thread cache keyed by the pointer answers
// almost every call without looking at the characters.
struct FileClass {
  const char* file;
  bool internal;  // IsInternalFileSlow(file): a lab, system or spec file
  bool spec;      // IsSpecFile(file) (Fix asks it of every internal site: cached too)
};
extern constinit LAB_TLS FileClass tls_file_class[16];
inline FileClass& FileClassSlot(const char* file) {
  return tls_file_class[(reinterpret_cast<std::uintptr_t>(file) >> 3) & 15];
}
// A miss: fills the slot of `file` and returns it (site_files.cc). Out of line, and
// returning the slot: the caller's hit path and miss path then meet with the slot's
// address in a register (GCC computed the thread-local address again after the merge).
FileClass* FillFileClass(const char* file);
// The cache's entry for `file`, filled.
inline FileClass& FileClassOf(const char* file) {
  FileClass* e = &FileClassSlot(file);
  if (e->file != file) [[unlikely]] e = FillFileClass(file);
  return *e;
}
inline bool IsInternalFile(const char* file) { return FileClassOf(file).internal; }
// True when the cache already knows `file` as the student's (the fast paths: a miss, an
// internal or a spec file goes to the slow path, which calls Fix).
inline bool KnownStudentFile(const char* file) {
  const FileClass& e = FileClassSlot(file);
  return e.file == file && !e.internal;
}
// The site to report for `loc`, and the rule for operations without a line of their own.
// A site in the student's code is reported as is and becomes the thread's last user site.
// A lab-internal location (an operator that cannot take a defaulted site: the implicit
// conversion `if (shared != x)`, ++/--; a lab::Thread built inside std::vector::emplace_back)
// is replaced by that last user site: the line of the thread's latest operation in the
// student's code. A spec's own line (the scenario's machinery: starting, joining, checking;
// IsSpecFile) gets no site at all and leaves the last user site alone, so a thread the spec
// starts and hands to the student's code never reports a spec line there.
// The code under test's call site found on the call stack (runner_hooks.h: the spec
// runner's walker), unknown without one; thread_ops.cc.
SiteRef CallerSiteFromStack();
inline SiteRef Fix(ThreadState* self, const Loc& loc) {
  SiteRef s = SiteRef::From(loc);
  // The thread's last site is in a student's file (Fix and the lock fast paths record no
  // other; the stack walkers' sites are the student's too): an operation in the file of
  // the thread's previous one needs no look at the file-class cache.
  if (self != nullptr && s.file == self->last_site.file) {
    assert(!IsInternalFile(s.file));
    self->last_site.line = s.line;
    return s;
  }
  // The cache's entry once: its spec bit is IsSpecFile(s.file).
  const FileClass& e = FileClassOf(s.file);
  if (e.internal) {
    if (self == nullptr || e.spec) return SiteRef{};
    // A thread's first operation built inside a std container (a std::unique_lock in
    // std::vector::emplace_back) has no line of its own to fall back on: the stack has it.
    if (!self->last_site.known()) self->last_site = CallerSiteFromStack();
    return self->last_site;
  }
  if (self != nullptr) self->last_site = s;
  return s;
}
SourceSite ToSource(SiteRef s);
// "file.cpp:14" (basename), or "?": sites inside finding messages.
std::string SiteText(SiteRef s);

// Brings an object into the calling thread's run before an operation (cheap when it is
// already there: one comparison).
inline void Enter(ThreadState* self, ObjectState* s) {
  if (s != nullptr && s->gen != self->run->gen) {
    RtGuard g;
    Touch(s, self->run);
  }
}

// Scheduling point before an operation: controlled runs may switch threads here; every
// run records the site. Must be called without RtGuard held.
// `lock`: for a condition-variable wait, the lock the wait gives up (recorded in the trace).
void ControlledPoint(ThreadState* self, OpCode op, ObjectState* obj, SiteRef site,
                     ObjectState* lock);
// A lab::Shared access of a controlled run whose object is in the run and whose site is
// fixed (SharedBegin's common case): ControlledPoint, then FastTrack's inline rules, in
// one frame (controlled_scheduler.cc); `rest(self, s, write, site)` finishes every other
// access (the sync layer's: its cost, the full rules, the report of a race). Both return
// SharedBegin's answer (false: a controlled run takes no value guard), so that each call
// stays a tail call.
using SharedAccessRest = bool (*)(ThreadState* self, ObjectState* s, bool write, SiteRef site);
bool ControlledSharedAccess(ThreadState* self, ObjectState* s, bool write, SiteRef site,
                            SharedAccessRest rest);
void NoisePoint(ThreadState* self);
extern std::atomic<bool> g_stress_noise;
inline void Point(ThreadState* self, OpCode op, ObjectState* obj, SiteRef site,
                  ObjectState* lock = nullptr) {
  if (self->run->mode == RunMode::kControlled) {
    ControlledPoint(self, op, obj, site, lock);
  } else if (g_stress_noise.load(std::memory_order_relaxed)) {
    NoisePoint(self);
  }
}

// Lock ownership hand-offs. A controlled run executes all its threads on one OS thread,
// so there they need no locked instruction (a CAS, an atomic add or a seq_cst store is an
// xchg/lock-prefixed op of ~20 cycles, and a schedule of the bounded buffer made ~150 of
// them); free runs keep the atomic protocol.
inline bool TakeOwner(ObjectState* s, ThreadState* self, bool controlled) {
  if (controlled) {
    if (s->owner.load(std::memory_order_relaxed) != nullptr) return false;
    s->owner.store(self, std::memory_order_relaxed);
    return true;
  }
  ThreadState* expected = nullptr;
  return s->owner.compare_exchange_strong(expected, self);
}
inline void DropOwner(ObjectState* s, bool controlled) {
  if (controlled) {
    s->owner.store(nullptr, std::memory_order_relaxed);
  } else {
    s->owner.store(nullptr);
  }
}
inline void AddWaiterCount(ObjectState* s, int delta, bool controlled) {
  if (controlled) {
    s->waiter_count.store(s->waiter_count.load(std::memory_order_relaxed) + delta,
                          std::memory_order_relaxed);
  } else {
    s->waiter_count.fetch_add(delta);
  }
}

// A thread's held list (the owner's own bookkeeping: no atomics on the fast path).
// Fields one by one: a Held built on the stack and copied costs a store-forwarding stall.
inline void PushHeld(ThreadState* t, ObjectState* obj, SiteRef site, bool via_try, bool shared,
                     LockOrderGraph::Node node) {
  ThreadState::Held& h = t->held.emplace_back();
  h.obj = obj;
  h.site = site;
  h.via_try = via_try;
  h.shared = shared;
  h.node = node;
}
inline void EraseHeld(ThreadState* t, HeldLock* it) {
  t->held.erase(it);
}

// Records a finding in the current run (deduplicated). Requires RtGuard (or controlled).
void AddFinding(Finding f);
// A fatal finding (deadlock, stall, self-deadlock): controlled runs end the schedule
// (does not return); free runs apply the library policy (abort, throw, or block on).
void FatalFinding(ThreadState* self, Finding f, std::unique_lock<std::mutex>* held);

// Blocking. Parks `self` (waiting for `obj`) until Wake(self) or the timeout; checks for
// deadlock (owned waits) and stall first. Requires RtGuard `g`. Returns false on timeout.
bool BlockOn(ThreadState* self, ObjectState* obj, WaitKind kind, SiteRef site, RtGuard& g,
             std::optional<Nanos> timeout);
// Makes a parked thread runnable. Requires RtGuard.
void Wake(ThreadState* t);
// Wakes one waiter of `obj` (which: see WakeSome) or every one, off its list. Requires RtGuard.
void WakeOne(ObjectState* obj);
void WakeAll(ObjectState* obj);

// Happens-before: `self` publishes its clock to `obj` (release), or takes obj's (acquire).
// The common case, a lock released and re-taken by one thread whose clock took nothing
// from others meanwhile, is O(1) and inline; the rest is ReleaseSlow / AcquireSlow.
void ReleaseSlow(ThreadState* self, ObjectState* obj);
void AcquireSlow(ThreadState* self, ObjectState* obj);
// The O(1) case: obj's clock is self's as last published, and self's clock took nothing
// from other threads since (only its own component moved).
inline bool ClockOwnedBy(const ObjectState* obj, const ThreadState* self) {
  return obj->vc_owner == self && obj->vc_owner_version == self->vc_version;
}
// Release in that case, clocks only (the free-run lock fast paths call it directly: free
// runs report no work-span figures, so the span clock is left to the other paths).
inline void ReleaseOwnedClock(ThreadState* self, ObjectState* obj) {
  const Tid t = self->tid;
  // Both clocks store component t: ReleaseSlow made vc_owner = self right after joining
  // self's clock into obj's (obj's is at least as long) and ticking t, and a thread's
  // clock never shrinks (Assign only starts a new thread; reuse zeroes, keeping length).
  assert(self->vc.Stores(t) && obj->vc.Stores(t));
  std::uint32_t& own = self->vc.At(t);
  obj->vc.At(t) = own;
  ++own;
}
inline void Release(ThreadState* self, ObjectState* obj) {
  if (!ClockOwnedBy(obj, self)) return ReleaseSlow(self, obj);
  ReleaseOwnedClock(self, obj);
  if (obj->span_ns < self->span_ns) obj->span_ns = self->span_ns;
}
inline void Acquire(ThreadState* self, ObjectState* obj) {
  if (!ClockOwnedBy(obj, self)) return AcquireSlow(self, obj);
  if (self->span_ns < obj->span_ns) self->span_ns = obj->span_ns;
}

// Thread exit bookkeeping shared by both modes (exit-holding-lock, join wake-up).
void OnThreadExit(ThreadState* self);

// The scenario runner's switches (SetFatalHook, SetStressNoise, ...): lab/internal/runner_hooks.h.
// Benchmark only (`make bench` measures what detection costs): free-run Mutex and RLock
// lock and unlock without any analysis — no held list, lock order, clocks, sites or
// deadlock check. Not a user option. Switch it only while no lab lock is held.
void SetDetectionOff(bool off);
extern std::atomic<bool> g_detection_off;

// Library-mode policy for real deadlocks (DESIGN §7): see lab/explore.h.
int DeadlockExitStatus();

}  // namespace lab::internal
