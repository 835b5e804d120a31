// no_throw.h — runs a runtime operation from a frame that must not throw.
//
// glibc declares the pthread functions noexcept, and GCC's __tsan_* calls have no landing
// pads, but a controlled run ends a schedule by unwinding every blocked lab thread with
// RunAborted from its scheduling point. An interposer therefore catches RunAborted and
// has the scheduler abandon the thread (controlled_scheduler.h AbandonRunning): its stack
// is dropped instead of unwound. Only the end of a schedule does this; results are final.
#pragma once

#include "controlled_scheduler.h"
#include "runtime.h"

namespace lab::internal::stdcxx {

template <typename F>
auto NoThrow(F f) noexcept -> decltype(f()) {
  try {
    return f();
  } catch (const RunAborted&) {
    ThreadState* self = PeekSelf();
    self->run->sched->AbandonRunning();
  }
}

}  // namespace lab::internal::stdcxx
