// stack_overflow.h — a lab thread's stack overflow inside a controlled schedule.
//
// A lab thread of a controlled run is a fiber with a 1 MiB stack and a PROT_NONE guard page
// below it (fiber.h). Endless recursion (a `fizz()` that calls itself without a base case)
// runs into that guard page, and the process died with a bare SIGSEGV: no thread, no line,
// no replay. While a StackOverflowGuard lives, a SIGSEGV raised on the thread that runs the
// schedules, by the running lab thread, whose faulting address is its fiber's guard page
// (or whose stack pointer is already below its stack: a frame larger than the guard page)
// becomes a `crash` finding: "stack overflow in thread 'fizz'", the recursing function and
// its line (the student's frame nearest the fault, from the saved context's frame-pointer
// chain, looked up by the spec runner's hooks: runner_hooks.h), with the interleaving and
// the replay token. The handler runs on an alternate signal stack (the fiber's own stack is
// exhausted) and leaves as abort_report.h does: the schedule ends there, the fiber is given
// up, and exploring stops as after a hang.
// Any other SIGSEGV (a null pointer, a fault outside a schedule, in a free run) keeps its
// previous action: the previous handler is put back and the fault happens again under it.
// Not installed in a ThreadSanitizer build of the lab (TSan keeps its own SIGSEGV handling).
#pragma once

#include <signal.h>

#include <atomic>

namespace lab::internal {

class ControlledScheduler;

class StackOverflowGuard {
 public:
  // `current`: where the scheduler of the schedule now running is published (null between
  // schedules); read by the signal handler.
  explicit StackOverflowGuard(const std::atomic<ControlledScheduler*>* current);
  ~StackOverflowGuard();
  StackOverflowGuard(const StackOverflowGuard&) = delete;
  StackOverflowGuard& operator=(const StackOverflowGuard&) = delete;

 private:
  bool installed_ = false;
  struct sigaction old_ {};
  stack_t old_alt_ {};
  void* alt_ = nullptr;  // the alternate signal stack (mmap'd), null when not installed
  const std::atomic<ControlledScheduler*>* saved_current_ = nullptr;
  long saved_thread_ = 0;
};

}  // namespace lab::internal
