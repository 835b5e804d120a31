// site_test.cc — the lines reports give for operations that have no line of their own:
// reads through lab::Shared's implicit conversion, and lab::Threads built inside
// std::vector::emplace_back (runtime.h: Fix).
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lab/explore.h"
#include "lab/internal/runner_hooks.h"
#include "lab/sync.h"
#include "site_spec_helper.h"

namespace {

bool EndsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

const lab::Finding* Find(const lab::ExploreResult& r, lab::FindingKind k) {
  for (const auto& f : r.findings) {
    if (f.kind == k) return &f;
  }
  return nullptr;
}

// `if (green != road)` reads through operator T(), which C++ gives no parameter for a
// line: the read is reported at the thread's last line in the student's code (here the
// lock just before), never at the spec's line that ran in between.
TEST(Site, ImplicitReadIsAtTheThreadsLastStudentLineNotTheSpecs) {
  lab::internal::MarkSpecFile(site_spec::File());  // stays registered: only this test uses it
  lab::Options o;
  o.schedules = 200;
  int lock_line = 0, write_line = 0;
  lab::ExploreResult r = lab::explore(o, [&] {
    lab::Mutex m{"m"};
    lab::Shared<int> green{0, "green"};
    site_spec::TwoThreads(
        [&] {
          lock_line = __LINE__ + 1;
          std::lock_guard lk(m);
        },
        [&] {
          const int mine = lab::this_thread_name() == "a" ? 1 : 2;
          if (green != mine) {
            write_line = __LINE__ + 1;
            green = mine;
          }
        });
  });
  const lab::Finding* race = Find(r, lab::FindingKind::kDataRace);
  ASSERT_NE(race, nullptr) << r.summary;
  bool saw_read = false;
  for (const auto& step : race->steps) {
    EXPECT_TRUE(EndsWith(step.site.file, "site_test.cc")) << step.action << " at " << step.site.file;
    EXPECT_FALSE(EndsWith(step.site.file, "site_spec_helper.h"));
    if (step.action == "read") {
      saw_read = true;
      EXPECT_EQ(step.site.line, lock_line) << race->message;
    } else {
      EXPECT_EQ(step.site.line, write_line) << race->message;
    }
  }
  EXPECT_TRUE(saw_read) << race->message;
}

}  // namespace
