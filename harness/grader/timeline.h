// The schedule of one failing controlled run as lanes: what each thread did at each step,
// and when each lock was held and each blocked thread waited. Built from a Finding's trace
// (its events, not the text report); the HTML report draws it (html_timeline.cc).
//
// Positions are in steps: step i is the i-th event of the trace (0-based), drawn at x = i.
// A trace event is recorded at the scheduling point *before* its operation; the operation
// takes effect when that thread runs again, that is just before its next event. So an
// operation's effect is placed half a step before the thread's next event, and an
// operation after which the thread never ran again has not taken effect in this run.
//
//   Timeline t = BuildTimeline(*finding.trace);
//   for (const Span& s : t.spans) ... s.object held (or waited for) by s.thread
//                                     from x = s.begin to x = s.end ...
//
// Held spans come from lock/try_lock/lock_shared and unlock/unlock_shared events, and from
// condition-variable waits, which give their lock up (TraceEvent::lock) and take it back
// when the thread runs on. A release after which its thread never ran leaves the lock held.
// A try_lock counts as taken unless another thread holds the lock
// at that moment. An unlock of a lock taken before the first kept event (a truncated trace)
// starts its span at the first step. Wait spans run from a `blocked` event to the step at
// which the thread runs again, or to the end when it never does (a deadlock, a stall).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lab/finding.h"

namespace lab::grader {

struct TimelineStep {
  int thread = 0;
  std::string label;  // "lock account[1]", "waits for changed", "wakes (spurious wake-up)"
  SourceSite site;
  std::int64_t vtime_ns = 0;
  bool preempted = false;  // the scheduler had switched away from this thread before this step
  bool exits = false;      // the thread's last operation: it ends here
  bool race = false;       // a racing plain access (TraceEvent::race), not a scheduling point
};

struct Span {
  // kRequested: a lock the thread asked for at its last step and did not get before the
  // trace ends (the run stopped there: a deadlock found as it formed, an inversion).
  enum class Kind { kHeld, kHeldShared, kWaiting, kRequested };
  Kind kind = Kind::kHeld;
  int thread = 0;
  std::string object;
  double begin = 0;  // in steps (see the header comment)
  double end = 0;
  bool to_end = false;  // still held or waited for when the trace ends
};

struct Timeline {
  std::vector<std::string> threads;
  std::vector<TimelineStep> steps;
  std::vector<Span> spans;          // held spans first per thread, in order of beginning
  std::vector<std::string> locks;   // every object of a span, in order of first appearance
  bool truncated = false;           // the run was longer: only its last steps were kept
  int later = 0;                    // steps after the failing one, not drawn (Trace::later)
  // The std:: objects' short labels, one line each (report.h LabelTraceObjects): steps and
  // spans name objects by these labels, as the text interleaving does.
  std::vector<std::string> object_legend;
};

Timeline BuildTimeline(const Trace& trace);

// For each thread, the index of its last step at or before `step` whose site is in the file
// named `file_basename`, or -1: where that thread was in the student's code at that step
// (-1 too once the thread has ended).
std::vector<int> ThreadPositions(const Timeline& timeline, int step,
                                 const std::string& file_basename);

}  // namespace lab::grader
