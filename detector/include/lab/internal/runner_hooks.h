// lab/internal/runner_hooks.h — what the scenario runner (harness/spec) may ask of the
// runtime, and nothing else: it is the only way in for code outside detector/.
//
// Not for students' code. The runner is linked into every compiled submission and drives
// stress runs of the free run and controlled runs through lab::explore; these switches
// change how findings of the free run are delivered and how noisy it is.
#pragma once

#include <cstdint>

#include "lab/finding.h"
#include "lab/internal/hooks.h"
#include "lab/internal/site.h"

namespace lab::internal {

// True while the calling OS thread executes a controlled run (inside lab::explore).
bool InControlledRun();

// A fatal finding in a free run calls `hook` (which writes the record and ends the
// process) instead of the library policy; findings of the free run are printed on stderr
// only when `print` is on (library mode: on).
void SetFatalHook(void (*hook)(const Finding&));
void SetFindingPrinting(bool print);
// Stress runs: seeded noise (yields, short sleeps) at every scheduling point of free runs.
void SetStressNoise(bool on, std::uint64_t seed);
// Whether stress noise is on.
bool StressActive();
// Forgets the free run's findings (between stress runs of a runner).
void ClearFreeFindings();
// A hang the watchdog cannot deliver to the controlled OS thread calls `hook` before the
// process ends (lab::explore's watchdog; see explore.cc).
void SetHangFatalHook(void (*hook)(const Finding&));

// Sees every primitive the program constructs through NewObject: its kind, its declaration
// site as the compiler gave it (`raw`, possibly a lab or system header) and the site the lab
// reports (`decl`). The spec runner uses it to find primitives a puzzle forbids in the
// submission (lab/spec.h, LAB_FORBID). Called without the runtime lock, from any thread.
using NewObjectObserver = void (*)(ObjKind kind, SiteRef raw, SiteRef decl);
void SetNewObjectObserver(NewObjectObserver observer);

// The spec's source file (`file` as __FILE__ spells it; static storage). Its sites are
// reported as they are but never become a thread's "last user site", the line that stands
// in for operations without a line of their own (runtime.h: Fix). Set before any thread
// runs (the spec's LAB_PUZZLE does it during static initialisation).
void SetSpecFile(const char* file);

}  // namespace lab::internal
