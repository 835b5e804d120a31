// no_throw.h — runs a runtime operation from a frame that must not throw.
//
// glibc declares the pthread functions noexcept, and GCC's __tsan_* calls have no landing
// pads, but a controlled run ends a schedule by unwinding every blocked lab thread with
// RunAborted from its scheduling point. An interposer therefore catches RunAborted and
// has the scheduler abandon the thread (controlled_scheduler.h AbandonRunning): its stack
// is dropped instead of unwound. Only the end of a schedule does this; results are final.
#pragma once

#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "controlled_scheduler.h"
#include "lab/explore.h"
#include "runtime.h"

namespace lab::internal::stdcxx {

// LAB_ON_DEADLOCK=throw in library mode: lab::DeadlockError cannot leave a function glibc
// declares noexcept (C++ would call std::terminate, status 134, and the program's
// handler never runs). The interposers whose POSIX function has a "deadlock detected"
// answer use NoThrowErrno and return EDEADLK, which libstdc++ turns into
// std::system_error(std::errc::resource_deadlock_would_occur) in the blocking thread
// (std::mutex::lock, std::shared_mutex::lock/lock_shared, std::thread::join). Any other
// ends the program as the default policy does: the report written, exit status 35.
[[noreturn]] inline void DeadlockExitFromNoexcept() noexcept {
  std::fputs("lab: LAB_ON_DEADLOCK=throw: this call cannot throw (it is noexcept C); "
             "exiting with status 35 as LAB_ON_DEADLOCK=abort does\n",
             stderr);
  lab::write_report();
  std::fflush(nullptr);
  _exit(lab::kDeadlockExitStatus);
}

template <typename F>
auto NoThrow(F f) noexcept -> decltype(f()) {
  try {
    return f();
  } catch (const RunAborted&) {
    ThreadState* self = PeekSelf();
    self->run->sched->AbandonRunning();
  } catch (const DeadlockError&) {
    DeadlockExitFromNoexcept();
  }
}

// f() for a POSIX call that returns an error number: 0, or EDEADLK when the lab found a
// deadlock and the policy is to throw (see above).
template <typename F>
int NoThrowErrno(F f) noexcept {
  try {
    f();
    return 0;
  } catch (const RunAborted&) {
    ThreadState* self = PeekSelf();
    self->run->sched->AbandonRunning();
  } catch (const DeadlockError&) {
    return EDEADLK;
  }
}

}  // namespace lab::internal::stdcxx
