// ThreadSanitizer's data-race reports folded into lab findings (`lab check --tsan`).
//
//   WARNING: ThreadSanitizer: data race (pid=4242)
//     Write of size 4 at 0x7b04000000f0 by thread T2:
//       #0 Counter::add() /tmp/lab-x/build/counter.cpp:12 (submission+0x1d2e)
//       ...
//     Previous read of size 4 at 0x7b04000000f0 by thread T1:
//       #0 Counter::get() /tmp/lab-x/build/counter.cpp:17 (submission+0x1d9a)
//   -> Finding{data-race, "ThreadSanitizer: write by thread T2 at counter.cpp:12 races with
//      an earlier read by thread T1 at counter.cpp:17", sites {counter.cpp:12, counter.cpp:17}}
//
// For each of the two accesses the site is the first frame in `source_name` (the student's
// file), else frame #0; files are reduced to their basename so reports do not carry the
// grader's temporary paths. Reports with the same pair of sites and actions are folded into
// one finding. Pure and thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "lab/finding.h"

namespace lab::grader {

std::vector<Finding> ParseTsanRaces(std::string_view tsan_stderr, std::string_view source_name);

}  // namespace lab::grader
