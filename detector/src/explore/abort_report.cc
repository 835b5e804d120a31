// abort_report.cc — see abort_report.h.
#include "abort_report.h"

#include <dlfcn.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "controlled_scheduler.h"
#include "runtime.h"

namespace lab::internal {
namespace {

// Set while an AbortGuard lives; read by the handler and by __assert_fail.
std::atomic<const std::atomic<ControlledScheduler*>*> g_current{nullptr};
// The OS thread that runs the schedules (written before g_current), by its kernel id: the
// std:: dialect gives every lab thread a pthread_self() of its own.
long g_thread = 0;
long OsThread() { return syscall(SYS_gettid); }

// The assertion that failed last on the schedules' thread, until its abort() reads it.
struct FailedAssert {
  bool set = false;
  char text[400];
  char function[200];
  char file[400];
  unsigned line = 0;
};
FailedAssert g_assert;

// The scheduler whose lab thread is running on this OS thread now, or null.
ControlledScheduler* RunningHere() {
  const std::atomic<ControlledScheduler*>* cur = g_current.load();
  if (cur == nullptr || OsThread() != g_thread) return nullptr;
  ControlledScheduler* s = cur->load();
  return s != nullptr && s->running() != nullptr ? s : nullptr;
}

void Copy(char* to, std::size_t size, const char* from) {
  std::snprintf(to, size, "%s", from != nullptr ? from : "");
}

Finding AbortFinding(ThreadState* t) {
  Finding f;
  f.kind = FindingKind::kCrash;
  const std::string name = t->name;
  f.threads = {name};
  SourceSite site;
  std::string action;
  if (g_assert.set) {
    site.file = g_assert.file;
    site.line = static_cast<int>(g_assert.line);
    std::string where = site.file;
    const std::size_t slash = where.rfind('/');
    if (slash != std::string::npos) where = where.substr(slash + 1);
    where += ":" + std::to_string(site.line);
    f.message = "thread '" + name + "' failed assert(" + g_assert.text + ") at " + where +
                (g_assert.function[0] != 0 ? std::string(" in ") + g_assert.function : "") +
                ": the assertion is false in this interleaving, and C++ aborts the whole "
                "program there";
    action = "assert(" + std::string(g_assert.text) + ") failed";
  } else {
    site = ToSource(t->last_site);
    f.message = "thread '" + name + "' called abort() (or a library it called did), which "
                "ends the whole program" +
                (site.known() ? "; its last lab operation was at " + SiteText(t->last_site)
                              : std::string());
    action = "called abort()";
  }
  g_assert.set = false;
  if (site.known()) f.sites = {site};
  f.steps = {{name, action, "", site, {}}};
  return f;
}

[[noreturn]] void DefaultAbort() {
  signal(SIGABRT, SIG_DFL);
  raise(SIGABRT);
  std::_Exit(128 + SIGABRT);
}

void OnAbortSignal(int) {
  ControlledScheduler* s = RunningHere();
  if (s == nullptr) DefaultAbort();
  Finding f = AbortFinding(s->running());
  s->NoteSignalFinding(f);  // its rerun stops here (explore: RerunRecording)
  AddFinding(std::move(f));
  s->AbandonFromSignal("abort");
}

// The signals a bad memory access or instruction raises, and what they were set to do
// before the guard (restored for a fault outside a schedule's lab thread).
constexpr int kFaults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
constexpr int kFaultCount = sizeof kFaults / sizeof kFaults[0];
struct sigaction g_fault_old[kFaultCount];

const char* FaultName(int sig) {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV (segmentation fault: an invalid memory access)";
    case SIGBUS: return "SIGBUS (bus error: an invalid memory access)";
    case SIGFPE: return "SIGFPE (arithmetic error, such as an integer division by zero)";
    default: return "SIGILL (illegal instruction)";
  }
}

Finding FaultFinding(ThreadState* t, int sig) {
  Finding f;
  f.kind = FindingKind::kCrash;
  const std::string name = t->name;
  f.threads = {name};
  const SourceSite site = ToSource(t->last_site);
  f.message = "thread '" + name + "' was killed by " + FaultName(sig) +
              ", which ends the whole program" +
              (site.known() ? "; its last lab operation was at " + SiteText(t->last_site)
                            : std::string()) +
              ". The interleaving shows what ran before it";
  if (site.known()) f.sites = {site};
  f.steps = {{name, std::string("killed by ") + sigabbrev_np(sig), "", site, {}}};
  return f;
}

// A fault in a lab thread of a schedule: a `crash` finding with the interleaving and replay
// token (and every finding the schedule made before it, such as the data race on the index
// that led to the bad access), instead of a dead process. The fiber is given up, as after
// abort(). Anywhere else: the action that was there before the guard.
void OnFaultSignal(int sig) {
  ControlledScheduler* s = RunningHere();
  if (s == nullptr) {
    for (int i = 0; i < kFaultCount; ++i) {
      if (kFaults[i] == sig) sigaction(sig, &g_fault_old[i], nullptr);
    }
    raise(sig);  // SA_NODEFER: delivered now, to the old action
    signal(sig, SIG_DFL);
    raise(sig);
    std::_Exit(128 + sig);
  }
  Finding f = FaultFinding(s->running(), sig);
  s->NoteSignalFinding(f);  // its rerun stops here (explore: RerunRecording)
  AddFinding(std::move(f));
  s->AbandonFromSignal("fault");
}

}  // namespace

AbortGuard::AbortGuard(const std::atomic<ControlledScheduler*>* current)
    : saved_current_(g_current.load()), saved_thread_(g_thread) {
  struct sigaction sa {};
  sa.sa_handler = OnAbortSignal;
  // No mask: the handler leaves by a fiber switch, never returning, so nothing would
  // unblock SIGABRT again for the next schedule.
  sa.sa_flags = SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGABRT, &sa, &old_);
  struct sigaction fault {};
  fault.sa_handler = OnFaultSignal;
  fault.sa_flags = SA_NODEFER;
  sigemptyset(&fault.sa_mask);
  for (int i = 0; i < kFaultCount; ++i) sigaction(kFaults[i], &fault, &fault_old_[i]);
  for (int i = 0; i < kFaultCount; ++i) g_fault_old[i] = fault_old_[i];
  g_thread = OsThread();
  g_current.store(current);
}

AbortGuard::~AbortGuard() {
  g_current.store(saved_current_);
  g_thread = saved_thread_;
  sigaction(SIGABRT, &old_, nullptr);
  for (int i = 0; i < kFaultCount; ++i) sigaction(kFaults[i], &fault_old_[i], nullptr);
}

}  // namespace lab::internal

// glibc's assert() calls this (declared in <assert.h>; not included here, for its
// attributes). Inside a schedule it keeps the assertion for the SIGABRT handler above,
// then does what glibc does: prints the message and aborts.
extern "C" [[noreturn]] void __assert_fail(const char* assertion, const char* file,
                                           unsigned int line, const char* function) noexcept {
  using Real = void (*)(const char*, const char*, unsigned int, const char*);
  static const auto real = reinterpret_cast<Real>(dlsym(RTLD_NEXT, "__assert_fail"));
  if (lab::internal::RunningHere() != nullptr) {
    lab::internal::FailedAssert& a = lab::internal::g_assert;
    lab::internal::Copy(a.text, sizeof a.text, assertion);
    lab::internal::Copy(a.function, sizeof a.function, function);
    lab::internal::Copy(a.file, sizeof a.file, file);
    a.line = line;
    a.set = true;
  }
  if (real != nullptr) real(assertion, file, line, function);
  std::abort();
}
