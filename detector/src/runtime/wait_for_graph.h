// wait_for_graph.h — actual deadlocks and stalls, from who waits for what.
//
// The wait-for graph is implicit in the runtime state: a blocked thread waits for one
// object (ThreadState::waiting_on); an owned object (lock, joined thread) is held by its
// owner(s). A cycle thread → object → owner → … back to the thread is a `deadlock`; it is
// checked just before a thread blocks, so the deadlock is reported at once, never found by
// a timeout. When every live thread is blocked and no cycle explains it, the run is a
// `stall`, and the finding lists what each thread waits for.
// Requires the runtime lock (free runs). Cost: linear in the threads on the path.
#pragma once

#include <optional>
#include <vector>

#include "runtime.h"

namespace lab::internal {

// A deadlock finding if `self`, about to block on `obj` (an owned wait), closes a cycle.
std::optional<Finding> FindDeadlock(ThreadState* self, ObjectState* obj, WaitKind kind,
                                    SiteRef site);
// The stall finding for a run whose unfinished threads are all blocked: a deadlock when
// some of them form a cycle, a stall otherwise.
Finding MakeStallFinding(Run* run);
// "Mutex 'm'", "CondVar 'not_empty'", "thread 'b'".
std::string Describe(ObjectState* obj);

}  // namespace lab::internal
