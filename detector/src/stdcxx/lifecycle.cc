// lifecycle.cc — threads nothing waited for at the end of the scenario (issue #11, item 9).
//
// A detached std::thread (std::thread::detach, pthread_detach) is never waited for: in a
// real program, main returning ends the process while it may still run (its work lost
// half done, its objects destroyed under it), and nothing orders its results before the
// code that reads them. The same holds for a thread pthread_create started that was
// neither joined nor detached (ThreadSanitizer's "thread leak"; a std::thread cannot be
// left so, its destructor calls std::terminate: terminate.cc). When the body of a
// controlled schedule returns, every such thread of the run is reported as
// `thread-not-joined` (DESIGN §4) with the line that started it: "was still running" or
// "had finished, but nothing waited for it". A thread still running when the scenario
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

Finding UnwaitedFinding(ObjectState* obj, bool detached, bool running) {
  const std::string name = NameOf(obj);
  const std::string where = SiteText(obj->decl);
  const std::string what = detached ? "was detached" : "was never joined (nor detached)";
  Finding f;
  f.kind = FindingKind::kThreadNotJoined;
  if (running) {
    f.message = "thread '" + name + "' (started at " + where + ") " + what +
                (detached ? " and" : ", and was") +
                " still running when the scenario ended: in a real program it is killed at "
                "exit, its work half done; join() it" +
                (detached ? " instead of detach()" : " before the end");
  } else {
    f.message = "thread '" + name + "' (started at " + where + ") " + what +
                ": it had finished when the scenario ended, but nothing waited for it, so "
                "nothing orders its work before the end; join() it" +
                (detached ? " instead of detach()" : "");
  }
  f.threads = {name};
  f.objects = {name};
  f.sites = {ToSource(obj->decl)};
  const std::string step = detached ? (running ? "detached, still running" : "detached, never joined")
                                    : (running ? "never joined, still running" : "never joined");
  f.steps = {{name, step, name, ToSource(obj->decl), {}}};
  return f;
}

void OnScenarioEnd(ThreadState* body) {
  Run* run = body->run;
  const std::vector<UnwaitedThread> unwaited = TakeUnwaited(run);
  if (unwaited.empty()) return;
  bool running = false;
  for (const UnwaitedThread& u : unwaited) {
    const bool alive = u.obj->thread != nullptr && !u.obj->thread->finished;
    running |= alive;
    AddFinding(UnwaitedFinding(u.obj, u.detached, alive));
  }
  if (running && run->mode == RunMode::kControlled) {
    // Like exit(): the schedule ends here (EndRun unwinds the threads still running; this
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
