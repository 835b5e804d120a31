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
// (a thread neither joined nor detached) "had finished, but nothing waited for it"; a
// detached thread that has finished is fine (its results, if read, are ordered by a
// signal or race). A thread still running when the scenario
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
  } else {  // never joined nor detached (a detached thread that finished is fine)
    f.message = "thread '" + name + "' (started at " + where + ") " + what +
                ": it had finished when the scenario ended, but nothing waited for it, so "
                "nothing orders its work before the end; join() it, or detach() it if "
                "nothing needs to wait for it";
  }
  f.threads = {name};
  f.objects = {name};
  f.sites = {ToSource(obj->decl)};
  const std::string step = detached ? "detached, still running"
                                    : (running ? "never joined, still running" : "never joined");
  f.steps = {{name, step, name, ToSource(obj->decl), {}}};
  return f;
}

// Whether a detached thread of `unwaited` can still run (started, not finished, not blocked
// or asleep).
bool DetachedRunnable(const std::vector<UnwaitedThread>& unwaited) {
  for (const UnwaitedThread& u : unwaited) {
    const ThreadState* t = u.obj->thread;
    if (u.detached && t != nullptr && !t->finished &&
        t->sched == ThreadState::Sched::kRunnable && t->wake_at_ns < 0) {
      return true;
    }
  }
  return false;
}

// A detached thread that signals its end (a std::binary_semaphore's release: the count,
// then the futex wake) can be preempted between its signal and its return, and the thread
// it woke can reach the end first. All it has left is to return: before judging, the
// ending thread sleeps for 1 ns of virtual time, so that every strategy runs the threads
// that can run (virtual time moves only when none can) until they finish, block or sleep.
// One that finishes meanwhile is fine; one that blocks, sleeps or still runs is reported.
void LetDetachedThreadsFinish(ThreadState* body, const std::vector<UnwaitedThread>& unwaited) {
  if (body->run->mode != RunMode::kControlled || !DetachedRunnable(unwaited)) return;
  NoThrow([&] { SleepOp(Nanos(1), Loc{}); });
}

void OnScenarioEnd(ThreadState* body) {
  Run* run = body->run;
  const std::vector<UnwaitedThread> unwaited = TakeUnwaited(run);
  if (unwaited.empty()) return;
  LetDetachedThreadsFinish(body, unwaited);
  bool running = false;
  for (const UnwaitedThread& u : unwaited) {
    const bool alive = u.obj->thread != nullptr && !u.obj->thread->finished;
    // A detached thread that has finished is what detach() is for: whatever it did that
    // the rest of the program reads is ordered by a signal (a semaphore it posted, a
    // flag), or the read is a data race, reported as one.
    if (u.detached && !alive) continue;
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
