// lab/internal/runner_hooks.h — what the scenario runner (harness/spec) may ask of the
// runtime, and nothing else: it is the only way in for code outside detector/.
//
// Not for students' code. The runner is linked into every compiled submission and drives
// stress runs of the free run and controlled runs through lab::explore; these switches
// change how findings of the free run are delivered and how noisy it is.
#pragma once

#include <cstdint>
#include <cstddef>
#include <string_view>

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
// Forgets the free run's lock-order edges (between stress runs of a runner): each stress
// run builds its objects anew, and a heap block freed by one run holds another object in
// the next (the allocator hands blocks back in reverse order), so edges of two runs joined
// would make cycles no run has, as a controlled run's graph never does (one per schedule).
void ForgetFreeLockOrder();
// A hang the watchdog cannot deliver to the controlled OS thread calls `hook` before the
// process ends (lab::explore's watchdog; see explore.cc).
void SetHangFatalHook(void (*hook)(const Finding&));

// Registers a puzzle spec's file (its __FILE__, a static string): operations written there
// are the spec's machinery, not the code under test's; they get no site, and the trace of a
// controlled run leaves out the body's operations without one. Call from a static
// initialiser (before threads start).
void MarkSpecFile(const char* file);
// Whether `file` (a path as the compiler or a line table names it) is the lab's, the
// standard library's or a spec's, never the code under test's.
bool IsInternalFileSlow(const char* file);
// Records `f` in the current run as it is (a spec's check: its own threads, sites and
// steps); a controlled run adds the trace and the replay token.
void ReportFinding(Finding f);
// The next finding ReportFinding records in this controlled schedule is about the puzzle
// event that the index-th SayOp of the schedule recorded, with these words (a wrong
// output's first wrong item, lab/spec.h Blame): its trace ends at that row, noted "the wrong
// item", and Trace::later counts the steps after it. Nothing when the index and the words
// do not name one event (a spec whose events come from several recorders).
void FocusNextFindingOnSay(std::size_t index, std::string_view words);

// Sees every primitive the program constructs through NewObject: its kind, its declaration
// site as the compiler gave it (`raw`, possibly a lab or system header) and the site the lab
// reports (`decl`). The spec runner uses it to find primitives a puzzle forbids in the
// submission (lab/spec.h, LAB_FORBID). `std_type` is the standard type behind an object of
// the std:: dialect ("std::shared_mutex"), null for a lab:: primitive. Called without the
// runtime lock, from any thread.
using NewObjectObserver = void (*)(ObjKind kind, SiteRef raw, SiteRef decl,
                                   const char* std_type);
void SetNewObjectObserver(NewObjectObserver observer);

// Where the code under test called into the lab when the compiler's site is a system
// header: a lab::Thread built inside std::vector::emplace_back (its std::source_location
// is in <vector>), or a thread's first operation built in one. `hook` walks the call stack
// to the innermost frame of the code under test (unknown when there is none); the spec
// runner installs its line-table walker (caller_site.h). Thread-safe; set before runs.
using CallerSiteHook = SiteRef (*)();
void SetCallerSiteHook(CallerSiteHook hook);

// The line of the code under test at one instruction address (inlined frames innermost
// first; unknown outside it): where a `hang` stopped a thread that spun without reaching
// a scheduling point (a loop on a plain bool has no site of its own). The spec runner
// installs its line-table lookup (caller_site.h). Called from the hang's signal handler,
// on the stopped thread; thread-safe; set before runs.
using PcSiteHook = SiteRef (*)(std::uintptr_t pc);
void SetPcSiteHook(PcSiteHook hook);
// The installed PcSiteHook's answer for `pc`; unknown when none is installed.
SiteRef SiteAtPc(std::uintptr_t pc);
// True while the calling thread runs the hang's signal handler: a PcSiteHook called then
// must not rely on what a handler may not do safely (the caller_site.h lookup uses its
// own-allocator reader there).
bool InHangSignal();

// The same with the function: the line of the code under test at `pc` in `*site` and the
// function that line is in (its name in the debug information, demangled, such as
// "FizzBuzz::fizz(std::function<void ()>)") in `function` (at most `size` bytes with the
// NUL; empty when unknown); false outside the code under test. For a stack overflow's
// report (explore/stack_overflow.h), called from its SIGSEGV handler on the overflowing
// thread. The spec runner installs it (caller_site.h); thread-safe; set before runs.
using PcFrameHook = bool (*)(std::uintptr_t pc, SiteRef* site, char* function,
                             std::size_t size);
void SetPcFrameHook(PcFrameHook hook);

}  // namespace lab::internal
