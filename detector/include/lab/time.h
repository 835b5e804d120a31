// lab/time.h — lab::sleep_for, lab::yield, lab::charge, lab::now.
//
// Virtual time in controlled runs (a sleep advances a clock; nothing really waits), real
// time in stress and free runs.
#pragma once

#include <chrono>
#include "lab/internal/source_location.h"

#include "lab/internal/hooks.h"

namespace lab {

template <class Rep, class Period>
void sleep_for(std::chrono::duration<Rep, Period> d,
               lab::SourceLocation loc = lab::SourceLocation::current()) {
  internal::SleepOp(std::chrono::duration_cast<internal::Nanos>(d), loc);
}
// Python's time.sleep(seconds).
inline void sleep(double seconds, lab::SourceLocation loc = lab::SourceLocation::current()) {
  internal::SleepOp(std::chrono::duration_cast<internal::Nanos>(
                        std::chrono::duration<double>(seconds)),
                    loc);
}
inline void yield(lab::SourceLocation loc = lab::SourceLocation::current()) {
  internal::YieldOp(loc);
}
// Charges `d` of virtual work to the calling thread without waiting (work-span
// accounting): specs use it to give operations of the code under test a cost.
template <class Rep, class Period>
void charge(std::chrono::duration<Rep, Period> d,
            lab::SourceLocation loc = lab::SourceLocation::current()) {
  internal::ChargeOp(std::chrono::duration_cast<internal::Nanos>(d), loc);
}
// The run's clock: virtual in controlled runs, steady real time otherwise.
inline std::chrono::nanoseconds now() { return internal::NowOp(); }

}  // namespace lab
