// thread_local_guard.h — a student's thread_local in a controlled run: per lab thread, or
// refused, clearly.
//
// The lab threads of a controlled run are fibers on one OS thread and share its TLS. In a
// graded submission the grader links markers around the student's object, and every
// switch swaps the bytes of the student's thread-locals (fiber/fiber_tls.h): each lab
// thread has its own copy, at the same address. An access there is then per-thread memory:
// never a race between lab threads, so it is not recorded (CheckThreadLocal returns true).
//
// Without the markers (a program built directly against the lab), a student's
// `thread_local int x` would be one variable for all fibers: a silent wrong verdict (a
// per-thread counter summed twice, a per-thread cache handing one thread's data to
// another). Switching the thread pointer instead would switch the lab's own
// thread-locals (the running thread, the run) too: not sound for the runtime. So the
// access is detected: GCC's instrumentation passes every access of the student's code to
// __tsan_read/write with its address, and a thread_local of the executable lies in the OS
// thread's static TLS block of the executable's PT_TLS segment (dl_iterate_phdr's
// dlpi_tls_data, p_memsz). The lab's own thread-locals are there too, but its code is not
// instrumented; errno and other libraries' thread-locals are in other blocks. The first
// such access while the run has more than one thread ends the schedule with a finding
// that names thread_local, the variable (from the symbol table) and the student's line,
// never a verdict on shared storage. Free runs use real threads, whose thread_locals are
// per thread: nothing to do.
#pragma once

#include <cstdint>

#include "fiber_tls.h"
#include "runtime.h"
#include "std_tls.h"

namespace lab::internal::stdcxx {

struct StaticTlsBlock {
  std::uintptr_t lo = 0;
  std::uintptr_t size = 0;
  bool known = false;
};
extern constinit LAB_STD_TLS StaticTlsBlock tls_exe_block;
void FindExeTlsBlock();
// The access at `addr` is to a thread_local while other threads exist: reports it, ends
// the schedule, and never returns (the fiber is given up when unwound). Single-threaded
// so far: returns, and the access is checked as plain memory.
[[gnu::cold, gnu::noinline]] void OnThreadLocalAccess(ThreadState* self, std::uintptr_t addr,
                                                      std::uintptr_t pc);

// Called for every checked access of the student's code (plain_memory.cc). True: the
// access is to the running lab thread's own copy of a student's thread_local (not to be
// recorded); false: check it as plain memory.
inline bool CheckThreadLocal(ThreadState* self, std::uintptr_t addr, std::uintptr_t pc) {
  if (self->run->mode != RunMode::kControlled) return false;
  const StaticTlsBlock& b = tls_exe_block;
  if (!b.known) FindExeTlsBlock();
  if (addr - tls_exe_block.lo >= tls_exe_block.size) return false;
  if (InStudentTls(reinterpret_cast<const void*>(addr))) return true;
  OnThreadLocalAccess(self, addr, pc);
  return false;
}

}  // namespace lab::internal::stdcxx
