// thread_exit.cc — std::notify_all_at_thread_exit in a controlled run: not supported, said
// so by name.
//
// libstdc++ keeps the (condition variable, lock) pair in a thread_local list that
// __cxa_thread_atexit_impl runs when the OS thread exits. A controlled run's threads are
// fibers of one OS thread that does not exit at the end of a lab thread: the notification
// would never come (or come for the wrong thread, and the unique_lock's mutex would stay
// locked in the lab's model), and the program crashed with SIGSEGV. The lab does not model
// thread exit hooks, so the call is a `crash` finding that names the facility, the thread
// and the student's line, and the schedule ends there (DESIGN: a facility the lab does not
// model gets a message naming it, never a silent hang or a wrong verdict). Outside a
// controlled run (library mode's real threads) the real function runs.
#include <dlfcn.h>

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <utility>

#include "controlled_scheduler.h"
#include "real_calls.h"
#include "runtime.h"
#include "sites.h"

namespace lab::internal::stdcxx {
namespace {

using NotifyAtExit = void (*)(std::condition_variable&, std::unique_lock<std::mutex>);

void RealNotifyAtExit(std::condition_variable& cv, std::unique_lock<std::mutex> lk) {
  static const auto real = reinterpret_cast<NotifyAtExit>(dlsym(
      RTLD_NEXT, "_ZSt25notify_all_at_thread_exitRSt18condition_variableSt11unique_lockISt5mutexE"));
  if (real != nullptr) real(cv, std::move(lk));
}

Finding NotSupported(ThreadState* self, SiteRef site) {
  Finding f;
  f.kind = FindingKind::kCrash;
  f.message =
      "std::notify_all_at_thread_exit is not supported by the lab: thread '" + self->name +
      "' calls it at " + SiteText(site) +
      ". A controlled run's threads do not exit as OS threads, so the notification at "
      "thread exit would never come; the run was stopped instead of judging a program it "
      "cannot run faithfully. As the thread function's last step, unlock the mutex and "
      "call notify_all() yourself";
  f.threads = {self->name};
  f.objects = {"std::notify_all_at_thread_exit"};
  f.sites = {ToSource(site)};
  f.steps = {{self->name, "calls std::notify_all_at_thread_exit", "", ToSource(site), {}}};
  return f;
}

}  // namespace

void LabNotifyAllAtThreadExit(std::condition_variable& cv, std::unique_lock<std::mutex> lk) __asm__(
    "_ZSt25notify_all_at_thread_exitRSt18condition_variableSt11unique_lockISt5mutexE");
void LabNotifyAllAtThreadExit(std::condition_variable& cv, std::unique_lock<std::mutex> lk) {
  const auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  ThreadState* self = PeekSelf();
  if (self == nullptr || self->run == nullptr || self->run->mode != RunMode::kControlled ||
      tls_raw_calls > 0 || InLabNow()) {
    RealNotifyAtExit(cv, std::move(lk));
    return;
  }
  Finding f;
  {
    InLab in_lab;
    f = NotSupported(self, SiteFor(pc));
  }
  // Ends the schedule: the blocked threads and this one are unwound (RunAborted), the
  // unique_lock's destructor unlocking the mutex on the way.
  FatalFinding(self, std::move(f), nullptr);
}

}  // namespace lab::internal::stdcxx
