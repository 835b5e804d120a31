// lifecycle.cc — threads left detached at the end of the scenario (issue #11, item 9).
//
// A detached std::thread (std::thread::detach, pthread_detach) is never waited for: in a
// real program, main returning ends the process while it may still run (its work lost
// half done, its objects destroyed under it), and nothing orders its results before the
// code that reads them. When the body of a controlled schedule returns, every thread of
// the run detached through pthread_detach is reported as `thread-not-joined` (the id of a
// thread nobody joined, DESIGN §4) with the line that started it: "was still running"
// or "had finished, but nothing waited for it". A thread still running when the scenario
// ends also ends the schedule, as exit() would end the program: the lab does not run it
// on past the end of the scenario (where it could only add findings the program never
// reaches, or a stall of a worker waiting for work that never comes).
// Free runs (library mode) are not covered: their scenario is the process.
#include <string>
#include <vector>

#include "controlled_scheduler.h"
#include "no_throw.h"
#include "runtime.h"
#include "scenario_end.h"
#include "thread_registry.h"

namespace lab::internal::stdcxx {
namespace {

Finding DetachedFinding(ObjectState* obj, bool running) {
  const std::string name = NameOf(obj);
  const std::string where = SiteText(obj->decl);
  Finding f;
  f.kind = FindingKind::kThreadNotJoined;
  if (running) {
    f.message = "thread '" + name + "' (started at " + where +
                ") was detached and still running when the scenario ended: in a real "
                "program it is killed at exit, its work half done; join() it instead of "
                "detach()";
  } else {
    f.message = "thread '" + name + "' (started at " + where +
                ") was detached: it had finished when the scenario ended, but nothing "
                "waited for it, so nothing orders its work before the end; join() it "
                "instead of detach()";
  }
  f.threads = {name};
  f.objects = {name};
  f.sites = {ToSource(obj->decl)};
  f.steps = {{name, running ? "detached, still running" : "detached, never joined",
              "thread '" + name + "'", ToSource(obj->decl), {}}};
  return f;
}

void OnScenarioEnd(ThreadState* body) {
  Run* run = body->run;
  const std::vector<ObjectState*> detached = TakeDetached(run);
  if (detached.empty()) return;
  bool running = false;
  for (ObjectState* obj : detached) {
    const bool alive = obj->thread != nullptr && !obj->thread->finished;
    running |= alive;
    AddFinding(DetachedFinding(obj, alive));
  }
  if (running && run->mode == RunMode::kControlled) {
    // Like exit(): the schedule ends here (EndRun unwinds the detached threads; this
    // fiber is given up when it is resumed to be unwound, see no_throw.h).
    NoThrow([&] { run->sched->EndRun(); });
  }
}

[[maybe_unused]] const bool g_installed = [] {
  SetScenarioEndHook(OnScenarioEnd);
  return true;
}();

}  // namespace
}  // namespace lab::internal::stdcxx
