// site_spec_helper.h — stands in for a puzzle's spec in site_test.cc: its file is
// registered with lab::internal::MarkSpecFile, as LAB_PUZZLE registers a spec's.
#pragma once

#include <functional>

#include "lab/internal/runner_hooks.h"
#include "lab/sync.h"

namespace site_spec {

inline const char* File() { return __FILE__; }

// Two threads, each: the student's `before`, an operation of the spec's own, then the
// student's `check` (whose first access has no line of its own).
inline void TwoThreads(const std::function<void()>& before, const std::function<void()>& check) {
  auto body = [&] {
    before();
    lab::yield();  // the spec's line: must never stand in for the student's
    check();
  };
  lab::Thread a("a", body);
  lab::Thread b("b", body);
  a.join();
  b.join();
}

}  // namespace site_spec
