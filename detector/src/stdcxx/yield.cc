// yield.cc — sched_yield() as the lab's yield (hooks.h YieldOp).
//
// std::this_thread::yield() and libstdc++'s spin before a futex wait
// (bits/atomic_wait.h __thread_yield) call sched_yield: in a controlled run it is a
// scheduling point, so a thread spinning with yield lets the others run, as on a real
// machine; in free runs the OS thread yields for real. The lab's own yields go to libc.
#include <sched.h>

#include <cstdint>

#include "no_throw.h"
#include "real_calls.h"
#include "runtime.h"
#include "sites.h"
#include "sync_real.h"

using namespace lab::internal;
using namespace lab::internal::stdcxx;

extern "C" int sched_yield() noexcept {
  if (!CalledFromExecutable(__builtin_return_address(0)) || IsRawCall(nullptr) ||
      tls_self == nullptr) {
    return SyncReal().sched_yield();
  }
  const auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  InLab in_lab;
  NoThrow([&] { YieldOp(LocFor(pc)); });
  return 0;
}
