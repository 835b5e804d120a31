// train.h — what both training programs of LAB_PGO do with their programs (train_lab.cpp,
// train_std.cpp): each under random, PCT and DPOR. Returns the exit status: 1, failing
// the build, when a correct program gets a finding or a bug is missed.
#pragma once

#include <cstdio>
#include <string>

#include "lab/explore.h"

namespace lab_pgo {

struct Job {
  const char* name;
  void (*body)();
  bool buggy;
};

template <std::size_t N>
int RunJobs(const char* trainer, const Job (&jobs)[N], int schedules) {
  const lab::Strategy strategies[] = {lab::Strategy::kRandom, lab::Strategy::kPct,
                                      lab::Strategy::kDpor};
  int unexpected = 0;
  for (const Job& job : jobs) {
    for (lab::Strategy s : strategies) {
      lab::Options opt;
      opt.strategy = s;
      opt.schedules = job.buggy ? 50 : schedules;
      opt.stop_on_failure = job.buggy;
      const lab::ExploreResult result = lab::explore(opt, job.body);
      if (result.findings.empty() == job.buggy) {
        std::fprintf(stderr, "%s: %s (%s): %s\n", trainer, job.name,
                     std::string(lab::StrategyName(s)).c_str(),
                     job.buggy ? "the bug was not found" : "a finding on a correct program");
        for (const lab::Finding& f : result.findings)
          std::fprintf(stderr, "  %s\n", f.message.c_str());
        ++unexpected;
      }
    }
  }
  return unexpected == 0 ? 0 : 1;
}

}  // namespace lab_pgo
