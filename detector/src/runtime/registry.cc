// registry.cc — the runtime's registry: runs and their generations, the runtime lock,
// thread registration, object state (creation, reuse, names) and findings of a run.
//
// The free run (library mode, real threads) lives here too, next to CurrentRun and
// SelfSlow that hand it out; what library mode does with it is library_mode.cc.
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "controlled_scheduler.h"
#include "raw_calls.h"
#include "runtime.h"

namespace lab::internal {

constinit LAB_TLS ThreadState* tls_self = nullptr;
constinit LAB_TLS Run* tls_run = nullptr;
constinit LAB_TLS FileClass tls_file_class[16] = {};
constinit LAB_TLS int tls_raw_calls = 0;
constinit LAB_TLS RtLockStorage tls_rt_lock = {};
std::unique_lock<std::mutex>& NoRtLock() {
  static std::unique_lock<std::mutex> none;
  return none;
}

namespace {

std::atomic<std::uint64_t> g_next_key{1};
std::atomic<std::uint64_t> g_next_gen{2};

// Object keys and run generations: unique process-wide and increasing on each OS thread
// (a controlled run's objects are all made on its one OS thread, so its keys follow their
// creation order). Each OS thread takes them in blocks: one locked add per kBlock numbers
// instead of one per object and per schedule (a locked add waits for the store buffer to
// drain, and an object is made right after its reset's stores).
struct NumberBlock {
  static constexpr std::uint64_t kBlock = 1024;
  std::uint64_t next;
  std::uint64_t end;
  std::uint64_t Take(std::atomic<std::uint64_t>& counter) {
    if (next == end) [[unlikely]] {
      next = counter.fetch_add(kBlock, std::memory_order_relaxed);
      end = next + kBlock;
    }
    return next++;
  }
};
constinit LAB_TLS NumberBlock tls_keys = {0, 0};
constinit LAB_TLS NumberBlock tls_gens = {0, 0};

// Clears the thread's registration when an OS thread that used lab ops exits.
struct TlsExit {
  ~TlsExit() {
    if (tls_self != nullptr && tls_run == nullptr && !tls_self->is_lab_thread) {
      OnThreadExit(tls_self);
    }
  }
};
thread_local TlsExit tls_exit;

std::string Basename(const char* file) {
  if (file == nullptr) return "?";
  const char* slash = std::strrchr(file, '/');
  return slash ? slash + 1 : file;
}

}  // namespace

Run& FreeRun() {
  static Run* run = [] {
    auto* r = new Run;  // never destroyed: threads may outlive static destructors
    r->gen = 1;
    r->mode = RunMode::kFree;
    return r;
  }();
  return *run;
}

std::uint64_t NewRunGeneration() { return tls_gens.Take(g_next_gen); }

std::mutex& RtMutex() {
  static std::mutex* mu = new std::mutex;
  return *mu;
}

Run* CurrentRun() { return tls_run != nullptr ? tls_run : &FreeRun(); }
bool InControlledRun() { return tls_run != nullptr; }
std::atomic<int> g_lab_slow_work{0};
void SetCurrentRun(Run* run) { tls_run = run; }

ThreadState* SelfSlow() {
  if (tls_self != nullptr) return tls_self;
  // An OS thread using lab ops for the first time joins the free run. All of it is the
  // lab's own work (raw_calls.h): a std::string member that AddThread calls out of line
  // may be the std:: dialect's instrumented copy, whose access check would ask Self()
  // again here, under the runtime lock (a self-deadlock).
  RtLock lk;
  Run& run = FreeRun();
  const bool is_main = static_cast<pid_t>(syscall(SYS_gettid)) == getpid();
  std::string name = is_main ? "main" : "thread-" + std::to_string(run.threads.size());
  ThreadState* t = AddThread(&run, name, nullptr);
  tls_self = t;
  (void)tls_exit;  // odr-use so the thread_local destructor is registered
  return t;
}

namespace {
// AddThread's work, inline into AddThread and NewThreadLocked (a lab::Thread's start: one
// frame for its object and its thread).
[[gnu::always_inline]] inline ThreadState* MakeThread(Run* run, std::string_view name,
                                                     ThreadState* parent) {
  std::unique_ptr<ThreadState> t;
  const std::size_t tid = run->threads.size();
  // Controlled runs: tid i takes tid i's state of an earlier schedule (its name, clock
  // lengths and buffers most often fit already); a slot left empty is made anew.
  std::vector<std::unique_ptr<ThreadState>>* spare = run->spare_threads;
  if (spare != nullptr && tid < spare->size() && (*spare)[tid] != nullptr) {
    t = std::move((*spare)[tid]);
    t->Reset();
  } else {
    t = std::make_unique<ThreadState>();
  }
  t->tid = static_cast<Tid>(tid);
  // Assigned into the reused ThreadState's string (Reset cleared it, keeping its buffer):
  // one copy of the characters, no string built and moved per thread.
  if (!SameChars(t->name, name)) t->name.assign(name.data(), name.size());
  t->run = run;
  if (parent != nullptr) {
    // Thread start: everything the parent did happens before the child.
    t->vc.Assign(parent->vc);
    t->span_ns = parent->span_ns;
    parent->vc.Tick(parent->tid);
  }
  t->vc.Tick(t->tid);
  if (run->mode == RunMode::kFree) {
    t->fast_paths.store(!g_stress_noise.load() && !g_detection_off.load());
  } else {
    // Controlled runs never take the free-run fast paths (Reset cleared it): no locked
    // store per thread of every schedule.
    assert(!t->fast_paths.load(std::memory_order_relaxed));
  }
  run->live_threads++;
  run->threads.push_back(std::move(t));
  return run->threads.back().get();
}
}  // namespace

ThreadState* AddThread(Run* run, std::string_view name, ThreadState* parent) {
  return MakeThread(run, name, parent);
}

namespace {
// Touch's work: the dynamic state of `s` back to its start in `run`. Inline into Touch and
// into NewObjectLocked, whose object is always new to the run (one call less per object).
[[gnu::always_inline]] inline void ResetDynamic(ObjectState* s, Run* run) {
  s->gen = run->gen;
  s->owner.store(nullptr, std::memory_order_relaxed);
  s->waiter_count.store(0, std::memory_order_relaxed);
  s->recursion = 0;
  s->readers = 0;
  s->reader_threads.clear();
  s->lo_node_valid = false;
  s->fast_lock.store(false, std::memory_order_relaxed);
  s->vc.Zero();
  s->vc_owner = nullptr;
  s->rs_head = kNoTid;
  s->span_ns = 0;
  s->waiters.clear();
  s->wake_head = nullptr;
  s->wake_head_passed = 0;
  s->count = s->initial;
  s->is_set = false;
  s->arrived = 0;
  s->round = 0;
  s->barrier_vc.Zero();
  s->read_vc.Zero();
  s->read_span_ns = 0;
  s->history.Reset();
  s->cached_name.clear();
  if (s->given_name.empty()) {
    // The n-th unnamed object of this site in this run: deterministic per schedule.
    int n = 0;
    for (auto& [site, count] : run->site_ordinals) {
      if (site == s->decl) {
        n = count++;
        goto found;
      }
    }
    run->site_ordinals.push_back({s->decl, 1});
  found:
    s->ordinal = n;
  }
}
}  // namespace

void Touch(ObjectState* s, Run* run) {
  if (s->gen == run->gen) return;
  ResetDynamic(s, run);
}

std::string NameOf(ObjectState* s) {
  if (s == nullptr) return "";
  if (!s->given_name.empty()) return s->given_name;
  if (s->cached_name.empty()) {
    s->cached_name = Basename(s->decl.file) + ":" + std::to_string(s->decl.line);
    // Not for a std::atomic: libstdc++ keeps atomics in heap blocks of its own
    // (std::barrier's tree, std::future's state), and whether a block reuses a freed one's
    // address -- so which atomics share one lab object, and the count behind the ordinal --
    // differs between a search's process and its replay's. Atomics first used at one line
    // share its name.
    if (s->ordinal > 0 && !(s->std_type != nullptr && s->kind == ObjKind::kAtomic)) {
      s->cached_name += "#" + std::to_string(s->ordinal);
    }
  }
  return s->cached_name;
}

std::string ThreadName(const ThreadState* t) { return t == nullptr ? "?" : t->name; }

// ---- Findings of the current run ----

void ReportFinding(Finding f) {
  RtGuard g;
  AddFinding(std::move(f));
}

void FocusNextFindingOnSay(std::size_t index, std::string_view words) {
  RtGuard g;
  Run* run = CurrentRun();
  if (run != nullptr && run->mode == RunMode::kControlled) run->sched->FocusNextFindingOnSay(index, words);
}

void AddFinding(Finding f) {
  Run* run = CurrentRun();
  // Destructors running while an ended schedule unwinds (a unique_lock whose mutex a
  // blocked wait had released) are not the program's behaviour: no findings from them.
  if (run->mode == RunMode::kControlled && run->sched->aborting()) return;
  std::string key = FindingKey(f);  // the rule explore's merge uses too
  for (const auto& k : run->finding_keys) {
    if (k == key) {
      // Not recorded again: a focus set for it (FocusNextFindingOnSay) is spent too.
      if (run->mode == RunMode::kControlled) run->sched->FocusNextFindingOnSay(static_cast<std::size_t>(-1), {});
      return;
    }
  }
  run->finding_keys.push_back(std::move(key));
  if (run->mode == RunMode::kControlled) run->sched->Annotate(f);
  run->findings.push_back(std::move(f));
  if (run->on_finding) run->on_finding(run->findings.back());
}

// ---- Objects ----

namespace {
// NewObjectLocked's work in `run`, inline into NewObjectLocked and NewThreadLocked.
[[gnu::always_inline]] inline ObjectState* MakeObject(Run* run, ObjKind kind, std::string_view name,
                                                      SiteRef decl, int initial) {
  ObjectState* s;
  std::uint32_t made = ObjectState::kNotMade;
  s = nullptr;
  if (run->spare_objects != nullptr) {
    made = run->objects_made++;
    s = run->spare_objects->Take(made);
  }
  if (s != nullptr) {
    s->ResetForReuse();
  } else {
    s = new ObjectState;
  }
  s->made_index = made;
  s->kind = kind;
  // A reused object keeps its last name (ResetForReuse): most often the one it gets now.
  if (name.empty()) {
    s->given_name.clear();
  } else if (!SameChars(s->given_name, name)) {
    s->given_name.assign(name.data(), name.size());
  }
  s->decl = decl;
  if (IsInternalFile(decl.file)) {
    ThreadState* self = PeekSelf();
    if (self != nullptr) s->decl = self->last_site;
  }
  s->key = tls_keys.Take(g_next_key);
  s->initial = initial;
  s->count = initial;
  ResetDynamic(s, run);  // new to this run: Touch without its generation test
  return s;
}
}  // namespace

ObjectState* NewObjectLocked(ObjKind kind, std::string_view name, SiteRef decl, int initial) {
  Run* const run = tls_run != nullptr ? tls_run : &FreeRun();  // CurrentRun, inline
  return MakeObject(run, kind, name, decl, initial);
}

ThreadState* NewThreadLocked(Run* run, std::string_view name, SiteRef decl, ThreadState* parent) {
  ObjectState* obj = MakeObject(run, ObjKind::kThread, name, decl, 0);
  ThreadState* t = MakeThread(run, name, parent);
  t->is_lab_thread = true;
  t->thread_obj = obj;
  obj->thread = t;
  return t;
}

void SpareObjects::PutSlow(ObjectState* s) {
  const std::uint32_t n = s->made_index;
  // Indices are per schedule: a few hundred at most; kNotMade (made in the free run) and
  // anything out of that range go loose.
  if (n >= 4096) {
    loose_.push_back(s);
    return;
  }
  if (n >= by_index_.size()) by_index_.resize(n + 1, nullptr);
  if (by_index_[n] == nullptr) {
    by_index_[n] = s;
  } else {
    loose_.push_back(s);  // an object of an earlier schedule made n-th, destroyed only now
  }
}

SpareObjects::~SpareObjects() {
  for (ObjectState* s : by_index_) delete s;
  for (ObjectState* s : loose_) delete s;
}

namespace {
std::atomic<NewObjectObserver> g_new_object_observer{nullptr};
}  // namespace

void SetNewObjectObserver(NewObjectObserver observer) { g_new_object_observer.store(observer); }

namespace {
std::atomic<bool> g_std_objects_seen{false};

// Inline into NewObject and NewStdObject: one call less for every object made.
[[gnu::always_inline]] inline ObjectState* NewObjectAs(ObjKind kind, const char* std_type,
                                                       std::string_view name, const Loc& decl,
                                                       int initial) {
  ObjectState* s;
  SiteRef site = SiteRef::From(decl);
  // A lab object built inside a std container (`std::vector<lab::Mutex> locks(n)`, a
  // `std::map`'s operator[]) has its source_location in the container's header: it is
  // declared at the student's line on the call stack, as a lab::Thread built there
  // (SpawnThread). Without one, MakeObject names it after the thread's last line, and
  // before the thread ran one it was '?:0'.
  if (std_type == nullptr && IsInternalFile(site.file) && !FileClassSlot(site.file).spec) {
    const SiteRef caller = CallerSiteFromStack();
    if (caller.known()) site = caller;
  }
  {
    RtGuard g;
    s = NewObjectLocked(kind, name, site, initial);
    s->std_type = std_type;
  }
  // s->decl is read before any other thread can see the new object.
  if (NewObjectObserver obs = g_new_object_observer.load(std::memory_order_acquire)) {
    obs(kind, SiteRef::From(decl), s->decl, std_type);
  }
  return s;
}
}  // namespace

ObjectState* NewObject(ObjKind kind, std::string_view name, const Loc& decl, int initial) {
  return NewObjectAs(kind, nullptr, name, decl, initial);
}

ObjectState* NewStdObject(ObjKind kind, const char* std_type, std::string_view name,
                          const Loc& decl, int initial) {
  if (!g_std_objects_seen.load(std::memory_order_relaxed)) {
    g_std_objects_seen.store(true, std::memory_order_relaxed);
  }
  return NewObjectAs(kind, std_type, name, decl, initial);
}

bool StdObjectsSeen() { return g_std_objects_seen.load(std::memory_order_relaxed); }

const char* TypeName(const ObjectState* s) {
  if (s->std_type != nullptr) return s->std_type;
  switch (s->kind) {
    case ObjKind::kMutex: return "lab::Mutex";
    case ObjKind::kRLock: return "lab::RLock";
    case ObjKind::kSharedMutex: return "lab::SharedMutex";
    case ObjKind::kCondVar: return "lab::CondVar";
    case ObjKind::kSemaphore: return "lab::Semaphore";
    case ObjKind::kBoundedSemaphore: return "lab::BoundedSemaphore";
    case ObjKind::kEvent: return "lab::Event";
    case ObjKind::kBarrier: return "lab::Barrier";
    case ObjKind::kThread: return "lab::Thread";
    case ObjKind::kShared: return "lab::Shared";
    case ObjKind::kAtomic: return "lab::Atomic";
    default: return "lab object";  // kinds added later name themselves here
  }
}

std::string_view ObjectName(ObjectState* s) {
  if (!s->given_name.empty()) return s->given_name;
  NameOf(s);
  return s->cached_name;
}

std::uint64_t LockOrderKey(ObjectState* s) { return s->key; }

const char* OpName(OpCode op) {
  switch (op) {
    case OpCode::kLock: return "lock";
    case OpCode::kTryLock: return "try_lock";
    case OpCode::kUnlock: return "unlock";
    case OpCode::kLockShared: return "lock_shared";
    case OpCode::kUnlockShared: return "unlock_shared";
    case OpCode::kWait: return "wait";
    case OpCode::kNotify: return "notify_one";
    case OpCode::kNotifyAll: return "notify_all";
    case OpCode::kAcquire: return "acquire";
    case OpCode::kRelease: return "release";
    case OpCode::kSet: return "set";
    case OpCode::kClear: return "clear";
    case OpCode::kIsSet: return "is_set";
    case OpCode::kEventWait: return "wait";
    case OpCode::kBarrier: return "barrier";
    case OpCode::kRead: return "read";
    case OpCode::kWrite: return "write";
    case OpCode::kAtomicLoad: return "atomic load";
    case OpCode::kAtomicRmw: return "atomic write";
    case OpCode::kSleep: return "sleep";
    case OpCode::kYield: return "yield";
    case OpCode::kSpawn: return "start thread";
    case OpCode::kJoin: return "join";
    case OpCode::kStart: return "start";
    case OpCode::kExit: return "exit";
    case OpCode::kBlocked: return "blocked";
    case OpCode::kWoke: return "woke";
    case OpCode::kCharge: return "work";
    case OpCode::kSay: return "say";
    case OpCode::kTryAcquire: return "try_acquire";
    case OpCode::kTryLockShared: return "try_lock_shared";
  }
  return "?";
}

}  // namespace lab::internal
