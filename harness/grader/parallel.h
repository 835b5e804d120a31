// A bounded fan-out for independent jobs (scenario runs, students, demo variants).
//
//   ParallelFor(items.size(), jobs, [&](std::size_t i) { results[i] = Grade(items[i]); });
//
// Runs fn(0) .. fn(n-1) on at most `jobs` threads (the caller's included) and returns when
// all have returned. Indices are handed out in increasing order, so with jobs == 1 the calls
// are sequential and in order. `fn` must not throw.
#pragma once

#include <cstddef>
#include <functional>

namespace lab::grader {

void ParallelFor(std::size_t n, int jobs, const std::function<void(std::size_t)>& fn);

// The number of cores this process may use (at least 1).
int AvailableCores();

}  // namespace lab::grader
