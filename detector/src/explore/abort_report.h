// abort_report.h — abort() and a failed assert() inside a controlled schedule.
//
// C++ ends the whole program at an abort(); without this, lab::explore (and `lab check`,
// which runs the spec through it) died with a bare SIGABRT: no thread, no line, no replay.
// While an AbortGuard lives, a SIGABRT raised on the thread that runs the schedules, while
// a lab thread of a schedule is running, becomes a `crash` finding that names the thread,
// the failed assertion and its file:line (glibc's __assert_fail, interposed here, passes
// them) or else the thread's last lab operation, with the interleaving that led there. The
// schedule ends at once and the aborting thread's fiber is given up (abort() does not
// return), as after a hang: explore runs no further schedule and returns its result, with
// the replay token of that schedule. Anywhere else SIGABRT keeps its usual action.
// A SIGSEGV, SIGBUS, SIGFPE or SIGILL there (a dangling reference, an index out of range)
// is a `crash` finding the same way, naming the signal and the thread's last lab operation.
#pragma once

#include <signal.h>

#include <atomic>

namespace lab::internal {

class ControlledScheduler;

class AbortGuard {
 public:
  // `current`: where the scheduler of the schedule now running is published (null between
  // schedules); read by the signal handler.
  explicit AbortGuard(const std::atomic<ControlledScheduler*>* current);
  ~AbortGuard();
  AbortGuard(const AbortGuard&) = delete;
  AbortGuard& operator=(const AbortGuard&) = delete;

 private:
  struct sigaction old_ {};
  struct sigaction fault_old_[4] {};  // SIGSEGV, SIGBUS, SIGFPE, SIGILL before the guard
  const std::atomic<ControlledScheduler*>* saved_current_;
  long saved_thread_;
};

}  // namespace lab::internal
