// spin.h — the std:: dialect's own locks. Its tables are touched from interposers, where a
// pthread mutex would route back into them, so they are spin locks. Most are held for a
// few instructions; the symbol table's is held while libdw resolves a new address (a
// compilation unit read: a millisecond or more). In a stress run every thread of the program
// shares two cores: a waiter that spun on would take the CPU from the holder it waits for
// (a fifth of a std:: scenario's time went to it). So a waiter pauses a while, then gives
// its CPU away at each further try.
#pragma once

#include <sys/syscall.h>

#include <atomic>

namespace lab::internal::stdcxx {

// sched_yield(2) without libc: the dialect interposes sched_yield (yield.cc) and syscall().
inline void YieldCpu() {
  long ret;
  asm volatile("syscall" : "=a"(ret) : "0"(static_cast<long>(SYS_sched_yield)) : "rcx", "r11", "memory");
  (void)ret;
}

inline void SpinAcquire(std::atomic<bool>& busy) {
  unsigned spins = 0;
  while (busy.exchange(true, std::memory_order_acquire)) {
    while (busy.load(std::memory_order_relaxed)) {
      if (spins < 128) {
        ++spins;
        __builtin_ia32_pause();
      } else {
        YieldCpu();
      }
    }
  }
}

}  // namespace lab::internal::stdcxx
