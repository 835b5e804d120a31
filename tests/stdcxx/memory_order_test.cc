// memory_order_test.cc — std::atomic's memory orders (detector/src/stdcxx/memory_order.h):
// each scenario of memory_order_scenarios.cc, unmodified std:: code under lab::explore.
// A too-weak order is a data race on the plain data it was meant to hand over, naming
// both lines; the correct idioms (release/acquire, fences, release sequences, acq_rel
// counters, seq_cst Dekker, shared_ptr, jthread's stop_token, std::latch) have no
// finding under the random and PCT strategies, and under DPOR where the space is small.
#include <gtest/gtest.h>

#include "marked_line.h"

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Outcome {
  int schedules = -1;
  std::vector<std::string> findings;  // "id|message|file:line;file:line;"
  int status = -1;
};

Outcome RunScenario(const std::string& scenario, int schedules, const std::string& extra = "") {
  const std::string cmd = std::string(LAB_MO_SCENARIOS) + " " + scenario + " " +
                          std::to_string(schedules) + " " + extra + " 2>&1";
  Outcome o;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return o;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p) != nullptr) {
    std::string line(buf);
    if (!line.empty() && line.back() == '\n') line.pop_back();
    if (line.rfind("schedules ", 0) == 0) o.schedules = std::stoi(line.substr(10));
    if (line.rfind("finding ", 0) == 0) o.findings.push_back(line.substr(8));
  }
  o.status = pclose(p);
  return o;
}

// "memory_order_scenarios.cc:N" (or another source's) for the line marked `// line: tag`.
std::string Line(const std::string& tag, const std::string& source = LAB_MO_SOURCE) {
  return lab::testing::MarkedLine(source, tag);
}

std::string Dump(const Outcome& o) {
  std::ostringstream s;
  s << "schedules " << o.schedules << ", status " << o.status << "\n";
  for (const std::string& f : o.findings) s << "  " << f << "\n";
  return s.str();
}

bool Has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// No finding over `schedules` schedules of random and PCT (and DPOR, exhausted or not,
// with `dpor`).
void ExpectClean(const std::string& scenario, bool dpor = false, int schedules = 300) {
  std::vector<std::string> strategies = {"random", "pct"};
  if (dpor) strategies.push_back("dpor");
  for (const std::string& strategy : strategies) {
    const Outcome o = RunScenario(scenario, schedules, strategy);
    ASSERT_EQ(o.status, 0) << scenario << " " << strategy << "\n" << Dump(o);
    if (strategy != "dpor") {
      EXPECT_EQ(o.schedules, schedules) << scenario << " " << strategy << "\n" << Dump(o);
    } else {
      EXPECT_GT(o.schedules, 0) << scenario << " " << strategy << "\n" << Dump(o);
    }
    EXPECT_TRUE(o.findings.empty()) << scenario << " " << strategy << "\n" << Dump(o);
  }
}

// A data race naming both lines (and no other kind of finding).
void ExpectRace(const std::string& scenario, const std::string& line1, const std::string& line2) {
  const Outcome o = RunScenario(scenario, 300);
  ASSERT_EQ(o.status, 0) << Dump(o);
  bool both = false;
  for (const std::string& f : o.findings) {
    EXPECT_EQ(f.rfind("data-race|", 0), 0u) << scenario << ": " << f;
    if (Has(f, line1) && Has(f, line2)) both = true;
  }
  EXPECT_TRUE(both) << scenario << ": no data race between " << line1 << " and " << line2
                    << "\n" << Dump(o);
}

TEST(MemoryOrder, RelaxedFlagDoesNotHandOverPlainData) {
  ExpectRace("mp_relaxed", Line("mp-relaxed-write"), Line("mp-relaxed-read"));
  // Release on the store alone is not enough: the load must acquire.
  ExpectRace("mp_release_relaxed_load", Line("mp-half-write"), Line("mp-half-read"));
}

TEST(MemoryOrder, ReleaseAcquireAndSeqCstHandOverPlainData) {
  ExpectClean("mp_release_acquire", true);
  ExpectClean("mp_seq_cst", true);
}

TEST(MemoryOrder, FencesSynchroniseAsTheStandardSays) {
  ExpectClean("fence_fence", true);
  ExpectClean("fence_atomic", true);
  ExpectClean("atomic_fence", true);
  ExpectClean("fence_seq_cst", true);
}

TEST(MemoryOrder, MisplacedFencesDoNot) {
  // A release fence after the store, an acquire fence before the load: nothing ordered.
  ExpectRace("fence_after_store", Line("fence-late-write"), Line("fence-late-read"));
  ExpectRace("fence_before_load", Line("fence-early-write"), Line("fence-early-read"));
}

TEST(MemoryOrder, ReleaseSequences) {
  // A relaxed read-modify-write continues the sequence; the head's own relaxed store too.
  ExpectClean("release_sequence_rmw", true);
  ExpectClean("release_sequence_same_thread_store", true);
  // Another thread's plain store ends it.
  ExpectRace("release_sequence_broken_by_store", Line("rs-broken-write"), Line("rs-broken-read"));
}

TEST(MemoryOrder, Counters) {
  ExpectClean("relaxed_counter_join", true);
  ExpectClean("last_one_out_acq_rel");
  // The same last-one-out with relaxed decrements: the reader did not acquire the others'
  // slots.
  ExpectRace("last_one_out_relaxed", Line("last-out-write"), Line("last-out-read"));
}

// Lock-free structures written right: a single-producer single-consumer ring, a
// Treiber stack, double-checked locking.
TEST(MemoryOrder, LockFreeStructuresStayClean) {
  ExpectClean("spsc_ring");
  ExpectClean("treiber_stack", true);
  ExpectClean("double_checked_locking", true);
}

TEST(MemoryOrder, LocksMadeOfAtomics) {
  ExpectClean("spin_lock_ok");
  ExpectClean("dekker_seq_cst");
  const Outcome o = RunScenario("spin_lock_relaxed", 300);
  ASSERT_EQ(o.status, 0) << Dump(o);
  bool race = false;
  for (const std::string& f : o.findings) {
    if (f.rfind("data-race|", 0) == 0 && Has(f, Line("spin-lock-update"))) race = true;
  }
  EXPECT_TRUE(race) << "a relaxed spin lock orders nothing\n" << Dump(o);
}

// The standard library's header code uses specific orders (acq_rel reference counts,
// the stop state's release/acquire, the latch's release count_down, the barrier's acq_rel
// tree): correct programs stay clean.
TEST(MemoryOrder, StandardLibraryAtomicsStayClean) {
  ExpectClean("shared_ptr_handoff", true);
  ExpectClean("jthread_stop");
  ExpectClean("latch_handoff");
  ExpectClean("barrier_completion");
}

std::string RunLibraryMode(const std::string& arg, int* status) {
  FILE* p = popen((std::string("timeout 120 ") + LAB_MO_LIBRARY_MODE + " " + arg + " 2>&1").c_str(),
                  "r");
  std::string out;
  if (p == nullptr) return out;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  *status = pclose(p);
  return out;
}

// Free runs (real threads) follow the same model: correct idioms stay clean under real
// concurrency, a relaxed hand-off is a data race with both lines.
TEST(MemoryOrder, LibraryMode) {
  int status = -1;
  const std::string ok = RunLibraryMode("", &status);
  EXPECT_EQ(status, 0) << ok;
  EXPECT_EQ(ok, "done\n") << ok;
  const std::string relaxed = RunLibraryMode("relaxed", &status);
  ASSERT_TRUE(WIFEXITED(status)) << relaxed;
  EXPECT_TRUE(Has(relaxed, "lab: data-race")) << relaxed;
  EXPECT_TRUE(Has(relaxed, Line("lib-relaxed-write", LAB_MO_LIBRARY_MODE_SOURCE))) << relaxed;
  EXPECT_TRUE(Has(relaxed, Line("lib-relaxed-read", LAB_MO_LIBRARY_MODE_SOURCE))) << relaxed;
}

}  // namespace
