// raw_calls.h — marks the lab's own use of pthread and std:: synchronisation.
//
// The standard-C++ dialect (src/stdcxx/) interposes pthread_mutex_*, pthread_cond_*,
// pthread_create/join in the executable, so every call in the process reaches it, the
// runtime's own included: RtMutex, a free-run thread's park_cv, the std::thread behind a
// free-run lab::Thread, the watchdog. Those must go to libc unchanged (a runtime lock that
// became a lab Mutex would recurse into the runtime). The contract: while a RawCalls is
// alive on an OS thread, the interposers pass that thread's calls straight to libc; the
// runtime lock itself is recognised by its address (it is also taken by plain
// std::lock_guard in registry.cc, library_mode.cc and stress_noise.cc). One thread-local
// increment and decrement: nothing else pays for it when the dialect is not linked.
#pragma once

#include "runtime.h"

namespace lab::internal {

// > 0 while the calling OS thread executes the lab's own synchronisation.
extern constinit LAB_TLS int tls_raw_calls;

class RawCalls {
 public:
  RawCalls() { ++tls_raw_calls; }
  ~RawCalls() { --tls_raw_calls; }
  RawCalls(const RawCalls&) = delete;
  RawCalls& operator=(const RawCalls&) = delete;
};

}  // namespace lab::internal
