// thread_registry.h — the threads pthread_create started (pthread_threads.cc), for the end
// of a std::thread: terminate.cc (destroyed while joinable) and lifecycle.cc (detached).
#pragma once

#include <vector>

#include "runtime.h"

namespace lab::internal::stdcxx {

// The thread object of the newest thread `creator` started in its run that was neither
// joined nor detached; failing that, the newest such thread of the run; or null.
ObjectState* NewestJoinable(ThreadState* creator);

// The thread objects of `run`'s threads detached with pthread_detach (std::thread::detach),
// in creation order; the registry forgets them.
std::vector<ObjectState*> TakeDetached(Run* run);

}  // namespace lab::internal::stdcxx
