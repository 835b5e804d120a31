// scenario_end.h — a hook run when the body of a controlled schedule returns: the end of
// the scenario, before its thread's exit bookkeeping. The std:: dialect (src/stdcxx/
// lifecycle.cc) reports the threads left detached there; without a hook nothing runs.
// The hook runs on the body's fiber and may end the schedule (ControlledScheduler::EndRun).
#pragma once

#include "runtime.h"

namespace lab::internal {

using ScenarioEndHook = void (*)(ThreadState* body);
// Installs the hook (once, at static initialisation; nullptr removes it).
void SetScenarioEndHook(ScenarioEndHook hook);
// Called by the scheduler when the body returned normally (not when a schedule is unwound).
void RunScenarioEndHook(ThreadState* body);

}  // namespace lab::internal
