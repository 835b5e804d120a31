// runtime.cc — runs, thread registration, object state, findings and library mode.
#include "runtime.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <sched.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "controlled_scheduler.h"
#include "lab/explore.h"
#include "lab/report.h"

namespace lab::internal {

constinit LAB_TLS ThreadState* tls_self = nullptr;
constinit LAB_TLS FileClass tls_file_class[16] = {};
std::atomic<bool> g_stress_noise{false};
std::atomic<bool> g_detection_off{false};

namespace {

std::atomic<std::uint64_t> g_next_key{1};
std::atomic<std::uint64_t> g_next_gen{2};
std::atomic<OnDeadlock> g_policy{OnDeadlock::kAbort};
std::atomic<void (*)(const Finding&)> g_fatal_hook{nullptr};
std::atomic<bool> g_print{true};
std::atomic<std::uint64_t> g_noise_seed{1};
std::atomic<std::uint64_t> g_noise_epoch{0};

Run& FreeRun() {
  static Run* run = [] {
    auto* r = new Run;  // never destroyed: threads may outlive static destructors
    r->gen = 1;
    r->mode = RunMode::kFree;
    return r;
  }();
  return *run;
}

LAB_TLS Run* tls_run = nullptr;

// Clears the thread's registration when an OS thread that used lab ops exits.
struct TlsExit {
  ~TlsExit() {
    if (tls_self != nullptr && tls_run == nullptr && !tls_self->is_lab_thread) {
      OnThreadExit(tls_self);
    }
  }
};
thread_local TlsExit tls_exit;

bool IsColorTerminal() { return isatty(2) != 0 && std::getenv("NO_COLOR") == nullptr; }

void PrintFinding(const Finding& f) {
  if (!g_print.load()) return;
  TextStyle style;
  style.color = IsColorTerminal();
  std::string text = FormatFindingText(f, style);
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

void WriteReportFile() {
  const char* path = std::getenv("LAB_REPORT");
  if (path == nullptr || *path == 0) return;
  std::vector<Finding> copy;
  {
    std::lock_guard<std::mutex> lk(RtMutex());
    copy = FreeRun().findings;
  }
  std::ofstream out(path, std::ios::trunc);
  out << FindingsToJson(copy);
}

void AtExit() {
  // The main thread ending while it holds a lab lock.
  ThreadState* self = tls_self;
  if (self != nullptr && tls_run == nullptr && !self->held.empty()) OnThreadExit(self);
  WriteReportFile();
}

// Registers the exit handler when the program starts, so LAB_REPORT is written even when
// the program never touches a lab primitive.
struct Init {
  Init() {
    FreeRun().on_finding = [](const Finding& f) { PrintFinding(f); };
    std::atexit(AtExit);
    if (const char* p = std::getenv("LAB_ON_DEADLOCK")) {
      std::string_view v(p);
      if (v == "throw") g_policy = OnDeadlock::kThrow;
      else if (v == "report") g_policy = OnDeadlock::kReport;
      else if (v == "abort") g_policy = OnDeadlock::kAbort;
      else std::fprintf(stderr, "lab: LAB_ON_DEADLOCK=%s is not abort|throw|report; using abort\n", p);
    }
  }
} g_init;

std::string Basename(const char* file) {
  if (file == nullptr) return "?";
  const char* slash = std::strrchr(file, '/');
  return slash ? slash + 1 : file;
}

bool IsLabHeader(const char* file) {
  return file != nullptr && std::strstr(file, "include/lab/") != nullptr;
}

bool IsSystemHeader(const char* file) {
  return file != nullptr && (std::strncmp(file, "/usr/", 5) == 0);
}

}  // namespace

bool IsInternalFileSlow(const char* file) { return IsLabHeader(file) || IsSystemHeader(file); }

namespace {
std::atomic<const char*> g_spec_file{nullptr};
}  // namespace

void SetSpecFile(const char* file) { g_spec_file.store(file); }

FileKind ClassifyFileSlow(const char* file) {
  if (IsInternalFileSlow(file)) return FileKind::kInternal;
  const char* spec = g_spec_file.load(std::memory_order_relaxed);
  if (file != nullptr && spec != nullptr && (file == spec || std::strcmp(file, spec) == 0)) {
    return FileKind::kSpec;
  }
  return FileKind::kStudent;
}

std::uint64_t NewRunGeneration() { return g_next_gen.fetch_add(1); }

std::mutex& RtMutex() {
  static std::mutex* mu = new std::mutex;
  return *mu;
}

Run* CurrentRun() { return tls_run != nullptr ? tls_run : &FreeRun(); }
bool InControlledRun() { return tls_run != nullptr; }
void SetCurrentRun(Run* run) { tls_run = run; }
void SetSelf(ThreadState* t) { tls_self = t; }
ThreadState* PeekSelf() { return tls_self; }

ThreadState* SelfSlow() {
  if (tls_self != nullptr) return tls_self;
  // An OS thread using lab ops for the first time joins the free run.
  std::lock_guard<std::mutex> lk(RtMutex());
  Run& run = FreeRun();
  const bool is_main = static_cast<pid_t>(syscall(SYS_gettid)) == getpid();
  std::string name = is_main ? "main" : "thread-" + std::to_string(run.threads.size());
  ThreadState* t = AddThread(&run, std::move(name), nullptr);
  tls_self = t;
  (void)tls_exit;  // odr-use so the thread_local destructor is registered
  return t;
}

ThreadState* AddThread(Run* run, std::string name, ThreadState* parent) {
  std::unique_ptr<ThreadState> t;
  if (run->spare_threads != nullptr && !run->spare_threads->empty()) {
    t = std::move(run->spare_threads->back());
    run->spare_threads->pop_back();
    t->Reset();
  } else {
    t = std::make_unique<ThreadState>();
  }
  t->tid = static_cast<Tid>(run->threads.size());
  t->name = std::move(name);
  t->run = run;
  if (parent != nullptr) {
    // Thread start: everything the parent did happens before the child.
    t->vc.Assign(parent->vc);
    t->span_ns = parent->span_ns;
    parent->vc.Tick(parent->tid);
  }
  t->vc.Tick(t->tid);
  t->fast_paths.store(run->mode == RunMode::kFree && !g_stress_noise.load() &&
                     !g_detection_off.load());
  run->live_threads++;
  run->threads.push_back(std::move(t));
  return run->threads.back().get();
}

void Touch(ObjectState* s, Run* run) {
  if (s->gen == run->gen) return;
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
  s->span_ns = 0;
  s->waiters.clear();
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

std::string NameOf(ObjectState* s) {
  if (s == nullptr) return "";
  if (!s->given_name.empty()) return s->given_name;
  if (s->cached_name.empty()) {
    s->cached_name = Basename(s->decl.file) + ":" + std::to_string(s->decl.line);
    if (s->ordinal > 0) s->cached_name += "#" + std::to_string(s->ordinal);
  }
  return s->cached_name;
}

std::string ThreadName(const ThreadState* t) { return t == nullptr ? "?" : t->name; }

std::string SiteText(SiteRef s) {
  if (s.file == nullptr) return "?";
  const char* slash = std::strrchr(s.file, '/');
  return std::string(slash ? slash + 1 : s.file) + ":" + std::to_string(s.line);
}

SourceSite ToSource(SiteRef s) {
  SourceSite out;
  if (s.file != nullptr) out.file = s.file;
  out.line = static_cast<int>(s.line);
  return out;
}

// Stress noise: a per-thread generator reseeded whenever the noise seed changes.
void NoisePoint(ThreadState* self) {
  thread_local std::uint64_t state = 0;
  thread_local std::uint64_t epoch = ~0ull;
  if (epoch != g_noise_epoch.load(std::memory_order_relaxed)) {
    epoch = g_noise_epoch.load();
    state = (g_noise_seed.load() + 0x9e3779b97f4a7c15ull * (self->tid + 1)) | 1;
  }
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  const std::uint64_t r = (state * 0x2545F4914F6CDD1Dull) >> 40;
  if (r % 4 == 0) {
    sched_yield();
  } else if (r % 61 == 0) {
    timespec ts{0, static_cast<long>(20'000 + (r % 200) * 1000)};
    nanosleep(&ts, nullptr);
  }
}

void SetFatalHook(void (*hook)(const Finding&)) { g_fatal_hook = hook; }
bool StressActive() { return g_stress_noise.load(std::memory_order_relaxed); }
void SetFindingPrinting(bool print) { g_print = print; }
void SetStressNoise(bool on, std::uint64_t seed) {
  g_noise_seed = seed;
  g_noise_epoch.fetch_add(1);
  std::lock_guard<std::mutex> lk(RtMutex());
  g_stress_noise = on;
  for (auto& t : FreeRun().threads) t->fast_paths.store(!on && !g_detection_off.load());
}
void SetDetectionOff(bool off) {
  // The fast paths are closed while detection is off: their slow paths see the flag.
  std::lock_guard<std::mutex> lk(RtMutex());
  g_detection_off = off;
  for (auto& t : FreeRun().threads) t->fast_paths.store(!off && !g_stress_noise.load());
}
void ClearFreeFindings() {
  std::lock_guard<std::mutex> lk(RtMutex());
  FreeRun().findings.clear();
  FreeRun().finding_keys.clear();
}

void ControlledPoint(ThreadState* self, OpCode op, ObjectState* obj, SiteRef site) {
  self->run->sched->Point(self, op, obj, site);
}

namespace {
std::string KeyOf(const Finding& f) {
  std::string k(FindingId(f.kind));
  for (const auto& s : f.sites) k += "|" + s.file + ":" + std::to_string(s.line);
  for (const auto& o : f.objects) k += "|" + o;
  if (f.kind == FindingKind::kWrongOutput || f.kind == FindingKind::kTooSlow) k += "|" + f.message;
  return k;
}
}  // namespace

void AddFinding(Finding f) {
  Run* run = CurrentRun();
  // Destructors running while an ended schedule unwinds (a unique_lock whose mutex a
  // blocked wait had released) are not the program's behaviour: no findings from them.
  if (run->mode == RunMode::kControlled && run->sched->aborting()) return;
  std::string key = KeyOf(f);
  for (const auto& k : run->finding_keys) {
    if (k == key) return;
  }
  run->finding_keys.push_back(std::move(key));
  if (run->mode == RunMode::kControlled) run->sched->Annotate(f);
  run->findings.push_back(std::move(f));
  if (run->on_finding) run->on_finding(run->findings.back());
}

void FatalFinding(ThreadState* self, Finding f, std::unique_lock<std::mutex>* held) {
  Run* run = CurrentRun();
  AddFinding(std::move(f));
  if (run->mode == RunMode::kControlled) {
    run->sched->EndRun();  // does not return
  }
  switch (g_policy.load()) {
    case OnDeadlock::kAbort: {
      if (held != nullptr && held->owns_lock()) held->unlock();
      if (auto hook = g_fatal_hook.load()) hook(run->findings.back());
      WriteReportFile();
      std::fflush(nullptr);
      _exit(kDeadlockExitStatus);
    }
    case OnDeadlock::kThrow: {
      std::string what = run->findings.empty() ? "deadlock" : run->findings.back().message;
      if (held != nullptr && held->owns_lock()) held->unlock();
      self->waiting_on.store(nullptr);
      throw DeadlockError(what);
    }
    case OnDeadlock::kReport:
      return;
  }
}

int DeadlockExitStatus() { return kDeadlockExitStatus; }

// ---- Objects ----

ObjectState* NewObjectLocked(ObjKind kind, std::string_view name, SiteRef decl, int initial) {
  ObjectState* s;
  Run* run = CurrentRun();
  if (run->spare_objects != nullptr && !run->spare_objects->empty()) {
    s = run->spare_objects->back();
    run->spare_objects->pop_back();
    s->ResetForReuse();
  } else {
    s = new ObjectState;
  }
  s->kind = kind;
  s->given_name.assign(name.data(), name.size());
  s->decl = decl;
  if (IsInternalFile(decl.file)) {
    ThreadState* self = PeekSelf();
    if (self != nullptr) s->decl = self->last_site;
  }
  s->key = g_next_key.fetch_add(1, std::memory_order_relaxed);
  s->initial = initial;
  s->count = initial;
  Touch(s, CurrentRun());
  return s;
}

namespace {
std::atomic<NewObjectObserver> g_new_object_observer{nullptr};
}  // namespace

void SetNewObjectObserver(NewObjectObserver observer) { g_new_object_observer.store(observer); }

ObjectState* NewObject(ObjKind kind, std::string_view name, const Loc& decl, int initial) {
  ObjectState* s;
  {
    RtGuard g;
    s = NewObjectLocked(kind, name, SiteRef::From(decl), initial);
  }
  // s->decl is read before any other thread can see the new object.
  if (NewObjectObserver obs = g_new_object_observer.load(std::memory_order_acquire)) {
    obs(kind, SiteRef::From(decl), s->decl);
  }
  return s;
}

std::string_view ObjectName(ObjectState* s) {
  if (!s->given_name.empty()) return s->given_name;
  NameOf(s);
  return s->cached_name;
}

std::uint64_t LockOrderKey(ObjectState* s) { return s->key; }

}  // namespace lab::internal

namespace lab {

void set_on_deadlock(OnDeadlock policy) { internal::g_policy = policy; }

std::vector<Finding> findings() {
  std::lock_guard<std::mutex> lk(internal::RtMutex());
  return internal::FreeRun().findings;
}

void write_report() { internal::WriteReportFile(); }

}  // namespace lab

namespace lab::internal {
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
    case OpCode::kTryAcquire: return "try_acquire";
    case OpCode::kTryLockShared: return "try_lock_shared";
  }
  return "?";
}
}  // namespace lab::internal
