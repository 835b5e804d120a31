// lab/grader_pch.h — the first include of every submission the grader compiles (compiler.cc
// writes the wrapper). The grader precompiles it (compile_pch.h) with exactly the flags of
// the submission's compile, so the lab's headers are parsed once per build of the lab, not
// once per submission. The standard headers below are the ones solutions commonly include
// that lab/sync.h and lab/spec.h do not already bring in; being included before the
// solution, a solution that forgets one of them still compiles (README, "lab check"). None
// adds a static constructor (<iostream> would, so it is not here) or a macro a solution
// could collide with.
#ifndef LAB_GRADER_PCH_H_
#define LAB_GRADER_PCH_H_

#include "lab/sync.h"
#include "lab/spec.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <queue>
#include <semaphore>
#include <string>
#include <thread>
#include <vector>

#endif  // LAB_GRADER_PCH_H_
