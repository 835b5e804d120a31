// caller_site.h — where the code under test called into a spec's callback.
//
// A spec hands the student's code callbacks (printFizz, pickLeftFork ...) as lambdas
// written in spec.cpp; a puzzle event belongs at the student's line that called the
// callback, which no std::source_location can see through std::function. The call stack
// can: the innermost frame that lies in the code under test (not the lab's sources, not a
// system header, not the spec) is the student's call, inlined frames included. Line tables
// come from the submission's debug info (the grader compiles with -g1) through libgcc's
// libbacktrace.
#pragma once

#include "lab/internal/site.h"

namespace lab::spec::internal {

// The student's call site of the running spec callback: file (a path as the line tables
// name it, valid for the life of the process) and line; unknown when no frame within
// kMaxFrames lies in the code under test, or the program has no line tables. Thread-safe.
// Cost: one unwind of at most kMaxFrames frames, each by a rule read from .eh_frame once per
// return address (libgcc unwinds when a rule is not a simple one); each is looked up
// in the line tables once and cached.
lab::internal::SiteRef StudentCallerSite();

// Deep enough for a lab::Thread or std::unique_lock built inside std::vector::emplace_back
// (the container's reallocation path adds frames between the lab and the student's line).
inline constexpr int kMaxFrames = 20;

}  // namespace lab::spec::internal
