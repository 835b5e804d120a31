// time_model.h — the std:: dialect's clock (time.cc): virtual in controlled runs.
#pragma once

#include <time.h>

#include "lab/internal/hooks.h"

namespace lab::internal::stdcxx {

// The reading of `clock` the calling thread's code sees: for a lab thread of a
// controlled run a fixed base plus the run's virtual time (realtime and monotonic clocks),
// otherwise the real clock. Unlike the clock_gettime interposer, it answers in the run's
// time also inside the lab (the timed-wait interposers call it under InLab).
Nanos NowOn(clockid_t clock);

// The time left until `abstime` on `clock` (NowOn's reading), never negative.
Nanos RemainingUntil(clockid_t clock, const timespec* abstime);

}  // namespace lab::internal::stdcxx
