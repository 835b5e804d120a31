// wait_names.h — which standard facility a futex wait is in ("std::latch::wait").
//
// A futex wait reaches the lab as syscall(SYS_futex, ...) from deep inside libstdc++
// (bits/atomic_wait.h inlined into the student's function, or __atomic_futex_unsigned in
// libstdc++.so for std::future). The facility is the function the student's line called:
// the call stack (the real one, inlined frames included, from the executable's DWARF) is
// walked outwards to the first call whose line is the student's, and the callee's name is
// shortened ("std::counting_semaphore<2>::acquire()" -> "std::counting_semaphore::acquire").
#pragma once

#include <string>

namespace lab::internal::stdcxx {

// The facility the calling thread waits in, or "" when no std:: function is found (a
// raw syscall in the student's code, or no debug information). Cached per call stack.
std::string WaitingFacility();

// "std::counting_semaphore<2l>::acquire() const" -> "std::counting_semaphore::acquire",
// with libstdc++'s internal bases under their public names (std::__atomic_base -> atomic).
std::string ShortFunctionName(const std::string& demangled);

}  // namespace lab::internal::stdcxx
