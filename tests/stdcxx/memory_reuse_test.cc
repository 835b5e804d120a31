// memory_reuse_test.cc — memory handed out again (memory_reuse_scenarios.cc) under
// lab::explore: a node freed by one thread and allocated again by another is fresh memory
// whichever allocation function returned it (each case was a false data race before the
// lab interposed it), and a lock freed while held is reported as destroyed while locked,
// in words that say why, at the line that freed it.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <string>
#include <vector>

#include "marked_line.h"
#include "output_lines.h"

namespace {

struct Outcome {
  std::string out;
  int status = -1;
  bool done = false;
  std::vector<std::string> findings;  // "<id>|<message>"
  std::vector<std::string> objects;   // "<op> <object>" of the findings' traces
};

Outcome RunCase(const std::string& name) {
  Outcome o;
  const std::string cmd = std::string(LAB_MEMORY_REUSE_SCENARIOS) + " " + name + " 2>&1";
  o.status = lab::testing::ForEachOutputLine(cmd, o.out, [&](const std::string& line) {
    if (line == "done") o.done = true;
    if (line.rfind("finding ", 0) == 0) o.findings.push_back(line.substr(8));
    if (line.rfind("object ", 0) == 0) o.objects.push_back(line.substr(7));
  });
  return o;
}

std::string Line(const std::string& tag) {
  return lab::testing::MarkedLine(LAB_MEMORY_REUSE_SOURCE, tag);
}

class FreshBlock : public ::testing::TestWithParam<const char*> {};

// The producer's write to a node it just allocated, and the consumer's read of the node
// it freed at the same address, are not a race.
TEST_P(FreshBlock, IsNotARaceWithTheFreedBlocksAccesses) {
  const Outcome o = RunCase(GetParam());
  ASSERT_TRUE(WIFEXITED(o.status)) << o.out;
  EXPECT_EQ(WEXITSTATUS(o.status), 0) << o.out;
  EXPECT_TRUE(o.findings.empty()) << o.out;
  EXPECT_TRUE(o.done) << o.out;
  EXPECT_EQ(o.out.find("wrong sum"), std::string::npos) << o.out;
}

INSTANTIATE_TEST_SUITE_P(Allocators, FreshBlock,
                         ::testing::Values("malloc", "calloc", "realloc", "aligned_alloc",
                                           "posix_memalign", "memalign", "strdup",
                                           "nothrow_new", "aligned_new",
                                           "aligned_nothrow_new", "delete_unlocked"));

// `delete` of an object whose std::mutex is still locked: undefined behaviour, reported at
// the delete as a lock destroyed while locked (not, later, as a thread that exited holding
// a lock it no longer has).
TEST(MemoryReuse, DeletingALockedMutexIsDestroyedWhileLocked) {
  for (const auto& [name, lock_tag, free_tag] :
       {std::tuple{"delete_locked_bug", "locked", "deleted"},
        std::tuple{"free_locked_bug", "locked-free", "freed"}}) {
    const Outcome o = RunCase(name);
    ASSERT_TRUE(WIFEXITED(o.status)) << o.out;
    ASSERT_EQ(o.findings.size(), 1u) << name << "\n" << o.out;
    const std::string& f = o.findings[0];
    EXPECT_EQ(f.rfind("destroyed-while-locked|", 0), 0u) << f;
    EXPECT_NE(f.find("undefined behaviour"), std::string::npos) << f;
    EXPECT_NE(f.find(Line(lock_tag)), std::string::npos) << f;
    EXPECT_NE(f.find(Line(free_tag)), std::string::npos) << f;
  }
}

// A std::atomic placement-new'ed where a std::mutex lived is a new object of its own kind:
// its operations in the trace are a std::atomic's, not the dead mutex's.
TEST(MemoryReuse, AnAtomicWhereAMutexLivedIsANewAtomic) {
  const Outcome o = RunCase("atomic_after_mutex_bug");
  ASSERT_TRUE(WIFEXITED(o.status)) << o.out;
  ASSERT_EQ(o.findings.size(), 1u) << o.out;
  EXPECT_EQ(o.findings[0].rfind("data-race|on 'data'", 0), 0u) << o.findings[0];
  int atomic_rows = 0;
  for (const std::string& row : o.objects) {
    if (row.rfind("atomic ", 0) != 0) continue;
    ++atomic_rows;
    EXPECT_NE(row.find(" std::atomic@"), std::string::npos) << row;
  }
  EXPECT_GT(atomic_rows, 0) << o.out;
}

}  // namespace
