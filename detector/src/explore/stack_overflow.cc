// stack_overflow.cc — see stack_overflow.h.
#include "stack_overflow.h"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "controlled_scheduler.h"
#include "fiber.h"
#include "lab/internal/runner_hooks.h"
#include "runtime.h"

// Defined by a sanitizer's runtime (`lab check --tsan` links the real ThreadSanitizer with
// an uninstrumented lab): SIGSEGV is then the sanitizer's, as before.
extern "C" [[gnu::weak]] void __sanitizer_print_stack_trace();

namespace lab::internal {
namespace {

std::atomic<PcFrameHook> g_frame_hook{nullptr};

// Set while a StackOverflowGuard lives; read by the handler (as in abort_report.cc).
std::atomic<const std::atomic<ControlledScheduler*>*> g_current{nullptr};
long g_thread = 0;  // the OS thread that runs the schedules (kernel id)
struct sigaction g_old {};  // the action the guard replaced, put back for any other fault

long OsThread() { return syscall(SYS_gettid); }

std::uintptr_t PageSize() {
  static const auto p = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  return p;
}

// Large enough for the report's work: the spec runner's line lookup reads the program's
// debug information the first time (libbacktrace), and the finding is built here. Pages
// are committed as touched.
constexpr std::size_t kAltStackSize = 1024 * 1024;
// A frame larger than the guard page may fault below it, outside any mapping of the
// fiber: a stack pointer below the stack by less than this is still this stack's overflow.
constexpr std::uintptr_t kBelowStack = 64u << 20;
// How many frames of the recursion the report looks at; a 1 MiB stack holds ~20,000 small
// frames, all of them walked to count the depth.
constexpr int kDistinct = 64;
constexpr int kRecursionMin = 8;  // this many frames of one call site make it a recursion

std::uintptr_t Reg(const ucontext_t* uc, int which) {
#if defined(__x86_64__)
  return static_cast<std::uintptr_t>(uc->uc_mcontext.gregs[which]);
#else
  (void)uc;
  (void)which;
  return 0;
#endif
}

bool IsOverflow(const Fiber* f, std::uintptr_t addr, std::uintptr_t sp) {
  if (f == nullptr || f->stack == nullptr) return false;
  const auto lo = reinterpret_cast<std::uintptr_t>(f->stack);  // the guard page
  const std::uintptr_t usable = lo + PageSize();
  if (addr >= lo && addr < usable) return true;
  return sp != 0 && sp < usable && usable - sp < kBelowStack && addr < usable;
}

// A return address of the fiber's frame-pointer chain and how often it occurs.
struct CallSite {
  std::uintptr_t ret = 0;
  int count = 0;
};

struct Walk {
  std::uintptr_t first[16] = {};  // the innermost addresses: the faulting pc, then returns
  int nfirst = 0;
  CallSite sites[kDistinct];
  int nsites = 0;
  int depth = 0;
};

// Walks the saved frame-pointer chain (the submission and the lab are built with frame
// pointers) within the fiber's stack only, so a clobbered rbp ends the walk, not the run.
Walk WalkFrames(const Fiber* f, const ucontext_t* uc) {
  Walk w;
#if defined(__x86_64__)
  const std::uintptr_t lo = reinterpret_cast<std::uintptr_t>(f->stack) + PageSize();
  const auto hi = reinterpret_cast<std::uintptr_t>(f->stack_top);
  w.first[w.nfirst++] = Reg(uc, REG_RIP);
  std::uintptr_t fp = Reg(uc, REG_RBP);
  while (fp >= lo && fp + 16 <= hi && fp % 8 == 0) {
    const auto* frame = reinterpret_cast<const std::uintptr_t*>(fp);
    const std::uintptr_t ret = frame[1];
    if (ret == 0) break;
    ++w.depth;
    if (w.nfirst < 16) w.first[w.nfirst++] = ret;
    int i = 0;
    while (i < w.nsites && w.sites[i].ret != ret) ++i;
    if (i < w.nsites) {
      ++w.sites[i].count;
    } else if (w.nsites < kDistinct) {
      w.sites[w.nsites++] = CallSite{ret, 1};
    }
    if (frame[0] <= fp) break;  // frames go up the stack
    fp = frame[0];
  }
#else
  (void)f;
  (void)uc;
#endif
  return w;
}

// The name a report shows: "FizzBuzz::fizz" for "FizzBuzz::fizz(std::function<void ()>)"
// (the parameter list dropped; a lambda's "{lambda()#1}" kept whole).
std::string ShortName(const char* demangled) {
  std::string s = demangled;
  int angle = 0, brace = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '<') ++angle;
    if (c == '>' && angle > 0) --angle;
    if (c == '{') ++brace;
    if (c == '}' && brace > 0) --brace;
    if (c == '(' && angle == 0 && brace == 0 && i > 0 &&
        s.compare(i, 20, "(anonymous namespace") != 0) {
      return s.substr(0, i);
    }
  }
  return s;
}

struct Frame {
  SiteRef site;
  std::string function;
};
// The code under test at `pc` (an exact address; a return address minus one).
bool Lookup(std::uintptr_t pc, Frame* out) {
  const PcFrameHook hook = g_frame_hook.load();
  if (hook == nullptr || pc == 0) return false;
  char name[512];
  name[0] = 0;
  if (!hook(pc, &out->site, name, sizeof name) || !out->site.known()) return false;
  out->function = name[0] != 0 ? ShortName(name) : std::string();
  return true;
}

std::string StackSizeText(std::size_t bytes) {
  if (bytes % (1024 * 1024) == 0) return std::to_string(bytes / (1024 * 1024)) + " MiB";
  return std::to_string(bytes / 1024) + " KiB";
}

Finding OverflowFinding(ThreadState* t, const Fiber* f, const ucontext_t* uc) {
  const Walk w = WalkFrames(f, uc);
  const std::string name = t->name;
  const std::string size = StackSizeText(f->stack_size);
  // The recursion: the call site that fills the stack (the most frequent return address
  // that is the student's line).
  Frame rec;
  int rec_count = 0;
  bool used[kDistinct] = {};
  for (int round = 0; round < 4 && rec_count == 0; ++round) {
    int best = -1;
    for (int i = 0; i < w.nsites; ++i) {
      if (!used[i] && w.sites[i].count >= kRecursionMin &&
          (best < 0 || w.sites[i].count > w.sites[best].count)) {
        best = i;
      }
    }
    if (best < 0) break;
    used[best] = true;
    if (Lookup(w.sites[best].ret - 1, &rec)) rec_count = w.sites[best].count;
  }
  // The student's frame nearest the fault.
  Frame near;
  bool have_near = false;
  for (int i = 0; i < w.nfirst && !have_near; ++i) {
    have_near = Lookup(i == 0 ? w.first[0] : w.first[i] - 1, &near);
  }
  Finding out;
  out.kind = FindingKind::kCrash;
  out.threads = {name};
  SourceSite site;
  std::string action = "overflowed its stack";
  if (rec_count > 0) {
    const std::string fn = rec.function.empty() ? std::string("a function") : rec.function;
    site = ToSource(rec.site);
    out.message = "stack overflow in thread '" + name + "': " + fn +
                  " recurses without end: its call at " + SiteText(rec.site) + " is " +
                  std::to_string(rec_count) + " calls deep on the stack, which filled the " +
                  "thread's " + size + "; a recursion needs a base case that stops it (or " +
                  "write it as a loop)";
    action = "overflowed its stack in " + fn;
  } else if (have_near) {
    site = ToSource(near.site);
    out.message = "stack overflow in thread '" + name + "' at " + SiteText(near.site) +
                  (near.function.empty() ? std::string() : " in " + near.function) +
                  ": the thread used up its " + size + " stack (a very large local array? " +
                  "keep big data on the heap, in a std::vector)";
    if (!near.function.empty()) action += " in " + near.function;
  } else {
    site = ToSource(t->last_site);
    out.message = "stack overflow in thread '" + name + "': it used up its " + size +
                  " stack (a recursion without end, or a very large local array)" +
                  (site.known() ? "; its last lab operation was at " + SiteText(t->last_site)
                                : std::string());
  }
  if (site.known()) out.sites = {site};
  out.steps = {{name, action, "", site, {}}};
  return out;
}

// Any other fault: the previous action comes back and the fault happens again under it
// (a fault repeats when the handler returns; a SIGSEGV sent by kill() is sent again).
void Decline(int sig, const siginfo_t* info) {
  sigaction(sig, &g_old, nullptr);
  if (info == nullptr || info->si_code <= 0) raise(sig);
}

ControlledScheduler* RunningHere() {
  const std::atomic<ControlledScheduler*>* cur = g_current.load();
  if (cur == nullptr || OsThread() != g_thread) return nullptr;
  ControlledScheduler* s = cur->load();
  return s != nullptr && s->running() != nullptr ? s : nullptr;
}

[[maybe_unused]] void OnSegv(int sig, siginfo_t* info, void* context) {
  ControlledScheduler* s = RunningHere();
  ThreadState* t = s != nullptr ? s->running() : nullptr;
  const auto* f = t != nullptr ? static_cast<const Fiber*>(t->fiber) : nullptr;
  const auto* uc = static_cast<const ucontext_t*>(context);
  const auto addr = reinterpret_cast<std::uintptr_t>(info != nullptr ? info->si_addr : nullptr);
#if defined(__x86_64__)
  const std::uintptr_t sp = Reg(uc, REG_RSP);
#else
  const std::uintptr_t sp = 0;
#endif
  if (t == nullptr || info == nullptr || info->si_code <= 0 || !IsOverflow(f, addr, sp)) {
    Decline(sig, info);
    return;
  }
  // The lab's own slow work for the hang watchdog (runtime.h): the first line lookup may
  // read the debug information for seconds. Counted down by hand: the handler never
  // returns (it leaves by a fiber switch).
  g_lab_slow_work.fetch_add(1, std::memory_order_relaxed);
  Finding found = OverflowFinding(t, f, uc);
  s->NoteSignalFinding(found);  // its rerun stops here (explore: RerunRecording)
  AddFinding(std::move(found));
  const std::string why = "stack overflow";
  g_lab_slow_work.fetch_sub(1, std::memory_order_relaxed);
  s->AbandonFromSignal(why);
}

}  // namespace

void SetPcFrameHook(PcFrameHook hook) { g_frame_hook.store(hook); }

StackOverflowGuard::StackOverflowGuard(const std::atomic<ControlledScheduler*>* current) {
#ifndef LAB_FIBER_TSAN
  if (&__sanitizer_print_stack_trace != nullptr) return;
  alt_ = mmap(nullptr, kAltStackSize, PROT_READ | PROT_WRITE,
              MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (alt_ == MAP_FAILED) {
    alt_ = nullptr;
    return;  // no alternate stack, no report: a crash stays a crash
  }
  stack_t ss{};
  ss.ss_sp = alt_;
  ss.ss_size = kAltStackSize;
  if (sigaltstack(&ss, &old_alt_) != 0) {
    munmap(alt_, kAltStackSize);
    alt_ = nullptr;
    return;
  }
  saved_current_ = g_current.load();
  saved_thread_ = g_thread;
  struct sigaction sa {};
  sa.sa_sigaction = OnSegv;
  // SA_ONSTACK: the fiber's stack is full. SA_NODEFER: the handler leaves by a fiber
  // switch, never returning, so nothing would unblock SIGSEGV again for the next schedule.
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, &old_);
  g_old = old_;
  g_thread = OsThread();
  g_current.store(current);
  installed_ = true;
#else
  (void)current;
#endif
}

StackOverflowGuard::~StackOverflowGuard() {
  if (!installed_) return;
  g_current.store(saved_current_);
  g_thread = saved_thread_;
  sigaction(SIGSEGV, &old_, nullptr);
  g_old = old_;
  sigaltstack(&old_alt_, nullptr);
  munmap(alt_, kAltStackSize);
}

}  // namespace lab::internal
