// time_model.h — the std:: dialect's clock (time.cc): virtual in controlled runs.
#pragma once

#include <time.h>

#include <cstdint>

#include "lab/internal/hooks.h"

namespace lab::internal::stdcxx {

// The reading of `clock` the calling thread's code sees: for a lab thread of a
// controlled run a fixed base plus the run's virtual time (realtime and monotonic clocks),
// otherwise the real clock. Unlike the clock_gettime interposer, it answers in the run's
// time also inside the lab (the timed-wait interposers call it under InLab).
Nanos NowOn(clockid_t clock);

// The time left until `abstime` on `clock` (NowOn's reading), never negative.
Nanos RemainingUntil(clockid_t clock, const timespec* abstime);

// syscall(SYS_nanosleep / SYS_clock_nanosleep, args...) made by the student's code at
// `pc` (futex.cc's syscall interposer hands them here): the lab's sleep, as glibc's
// nanosleep is, instead of a real sleep that a controlled run's virtual time never sees.
// Returns false (run it for real) for another call, a clock the lab does not model, or
// the lab's own calls; else sets `*result` as the kernel would (0, or -errno).
bool SleepSyscall(long nr, const long* args, std::uintptr_t pc, long* result);

}  // namespace lab::internal::stdcxx
