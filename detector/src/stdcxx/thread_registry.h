// thread_registry.h — the threads pthread_create started (pthread_threads.cc), for the end
// of a std::thread: terminate.cc (destroyed while joinable) and lifecycle.cc (detached, or
// never joined).
#pragma once

#include <pthread.h>

#include <cstdint>
#include <vector>

#include "runtime.h"

namespace lab::internal::stdcxx {

// The pthread_t (and so the std::thread::id) of lab thread `t`: pthread_create hands it
// out, pthread_self answers it (identity.cc). Made from the thread's index in its run, so a
// schedule and its replay see the same ids: libstdc++'s std::barrier picks its tree node
// from the hash of get_id(), and an address (different in every process) made a replay
// take other steps. Far below any address libc gives a thread; never 0 (no thread).
inline pthread_t HandleOf(const ThreadState* t) {
  return static_cast<pthread_t>(0x1000 + 0x10 * static_cast<std::uintptr_t>(t->tid));
}

// The thread object of the newest thread `creator` started in its run that was neither
// joined nor detached; failing that, the newest such thread of the run; or null.
ObjectState* NewestJoinable(ThreadState* creator);

// A thread of a run that nothing waited for when its scenario ended.
struct UnwaitedThread {
  ObjectState* obj = nullptr;
  bool detached = false;  // pthread_detach (std::thread::detach); else never joined either
};
// The threads `run` started with pthread_create that were detached, or neither joined nor
// detached, in creation order; the registry forgets them.
std::vector<UnwaitedThread> TakeUnwaited(Run* run);

}  // namespace lab::internal::stdcxx
