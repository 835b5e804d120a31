// raw_calls.h — marks the lab's own use of pthread and std:: synchronisation.
//
// The standard-C++ dialect (src/stdcxx/) interposes pthread_mutex_*, pthread_cond_*,
// pthread_create/join in the executable, so every call in the process reaches it, the
// runtime's own included: RtMutex, a free-run thread's park_cv, the std::thread behind a
// free-run lab::Thread, the watchdog. Those must go to libc unchanged (a runtime lock that
// became a lab Mutex would recurse into the runtime). The contract: while a RawCalls is
// alive on an OS thread, the interposers pass that thread's calls straight to libc; the
// runtime lock itself is recognised by its address. One thread-local increment and
// decrement: nothing else pays for it when the dialect is not linked.
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

// The runtime lock taken outside RtGuard (free-run bookkeeping: SelfSlow, the findings'
// copy, the lock order cleared between stress runs). Everything the holder does is the
// lab's own, its frees too: the std:: dialect's free hook must not look a freed block up
// in the object map, which takes this lock again (a lab-held block that an object of the
// program was once registered in made the spec runner hang for good between two stress
// runs, std_check_test PublicAnswersGetFullMarks).
class RtLock {
 public:
  RtLock() : lk_(RtMutex()) {}
  RtLock(const RtLock&) = delete;
  RtLock& operator=(const RtLock&) = delete;

 private:
  RawCalls raw_;  // first: raised before the lock is taken, lowered after it is dropped
  std::lock_guard<std::mutex> lk_;
};

}  // namespace lab::internal
