// thread_exit.cc — the facilities that act at thread exit (std::notify_all_at_thread_exit,
// std::promise::set_value_at_thread_exit / set_exception_at_thread_exit,
// std::packaged_task::make_ready_at_thread_exit) in a controlled run: not supported, said so
// by name.
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
//
// The *_at_thread_exit members of promise and packaged_task store the result at once and
// hand a _Make_ready record to libstdc++'s _Make_ready::_M_set(), which queues it on the
// same OS-thread exit list; the future would never become ready, and a correct program
// got a `stall` blaming its future::get(). The inline header code calls _M_set() through
// the PLT, so the executable's definition below takes it.
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

using MakeReadySet = void (*)(void*);

// std::__future_base::_State_baseV2::_Make_ready::_M_set(), as libstdc++.so exports it.
constexpr const char kMakeReadySet[] = "_ZNSt13__future_base13_State_baseV211_Make_ready6_M_setEv";

void RealMakeReadySet(void* self) {
  static const auto real = reinterpret_cast<MakeReadySet>(dlsym(RTLD_NEXT, kMakeReadySet));
  if (real != nullptr) real(self);
}

// `facility` is what the student called, `what` what would happen at thread exit, `instead`
// the remedy.
Finding NotSupported(ThreadState* self, SiteRef site, const std::string& facility,
                     const std::string& what, const std::string& instead) {
  Finding f;
  f.kind = FindingKind::kCrash;
  f.message = facility + " is not supported by the lab: thread '" + self->name +
              "' calls it at " + SiteText(site) +
              ". A controlled run's threads do not exit as OS threads, so " + what +
              " at thread exit would never come; the run was stopped instead of judging a "
              "program it cannot run faithfully. " + instead;
  f.threads = {self->name};
  f.objects = {facility};
  f.sites = {ToSource(site)};
  f.steps = {{self->name, "calls " + facility, "", ToSource(site), {}}};
  return f;
}

// True when the call must go to libstdc++ (no controlled run, or the lab's own code).
bool PassThrough(ThreadState* self) {
  return self == nullptr || self->run == nullptr || self->run->mode != RunMode::kControlled ||
         tls_raw_calls > 0 || InLabNow();
}

}  // namespace

void LabNotifyAllAtThreadExit(std::condition_variable& cv, std::unique_lock<std::mutex> lk) __asm__(
    "_ZSt25notify_all_at_thread_exitRSt18condition_variableSt11unique_lockISt5mutexE");
void LabNotifyAllAtThreadExit(std::condition_variable& cv, std::unique_lock<std::mutex> lk) {
  const auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  ThreadState* self = PeekSelf();
  if (PassThrough(self)) {
    RealNotifyAtExit(cv, std::move(lk));
    return;
  }
  Finding f;
  {
    InLab in_lab;
    f = NotSupported(self, SiteFor(pc), "std::notify_all_at_thread_exit", "the notification",
                     "As the thread function's last step, unlock the mutex and call "
                     "notify_all() yourself");
  }
  // Ends the schedule: the blocked threads and this one are unwound (RunAborted), the
  // unique_lock's destructor unlocking the mutex on the way.
  FatalFinding(self, std::move(f), nullptr);
}

// The result is already stored when this runs (libstdc++ stores it, then defers only the
// "ready"), so stopping here loses nothing the report needs.
void LabMakeReadySet(void* self_record) __asm__(
    "_ZNSt13__future_base13_State_baseV211_Make_ready6_M_setEv");
void LabMakeReadySet(void* self_record) {
  const auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  ThreadState* self = PeekSelf();
  if (PassThrough(self)) {
    RealMakeReadySet(self_record);
    return;
  }
  Finding f;
  {
    InLab in_lab;
    f = NotSupported(self, SiteFor(pc),
                     "std::promise::set_value_at_thread_exit (or set_exception_at_thread_exit, "
                     "std::packaged_task::make_ready_at_thread_exit)",
                     "the future's \"ready\"",
                     "Use set_value() (or run the packaged_task) as the thread function's last "
                     "step: the future's get() still waits for it, and join() waits for the "
                     "thread");
  }
  // Ends the schedule; _M_set_delayed_result's unique_ptr frees the record as it unwinds.
  FatalFinding(self, std::move(f), nullptr);
}

}  // namespace lab::internal::stdcxx
