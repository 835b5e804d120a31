// scenario_end.cc — see scenario_end.h.
#include "scenario_end.h"

#include <atomic>

namespace lab::internal {
namespace {

std::atomic<ScenarioEndHook> g_hook{nullptr};

}  // namespace

void SetScenarioEndHook(ScenarioEndHook hook) { g_hook.store(hook); }

void RunScenarioEndHook(ThreadState* body) {
  if (ScenarioEndHook hook = g_hook.load(std::memory_order_relaxed)) hook(body);
}

}  // namespace lab::internal
