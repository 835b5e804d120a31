// The lanes and spans of a trace (harness/grader/timeline.h), and the graph of a finding
// (finding_graph.h), on traces written out by hand: each case is a pattern a report must
// draw right (a lock taken and released, a contended lock, a condition-variable wait that
// gives its lock up, a preempted acquisition, a deadlock's last requests).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "finding_graph.h"
#include "lab/finding.h"
#include "timeline.h"

namespace lab::grader {
namespace {

TraceEvent Ev(int thread, std::string op, std::string object = "", std::string lock = "") {
  TraceEvent e;
  e.thread = thread;
  e.op = std::move(op);
  e.object = std::move(object);
  e.site = {"s.cpp", 1};
  e.lock = std::move(lock);
  return e;
}

// "A: held m [1.5, 3.5]" ...: the spans of `t` as text, one per line.
std::string Spans(const Timeline& t) {
  std::string out;
  for (const Span& s : t.spans) {
    const char* kind = "";
    switch (s.kind) {
      case Span::Kind::kHeld: kind = "held"; break;
      case Span::Kind::kHeldShared: kind = "shared"; break;
      case Span::Kind::kWaiting: kind = "waits"; break;
      case Span::Kind::kRequested: kind = "asks"; break;
    }
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s: %s %s [%.1f, %.1f]%s\n",
                  t.threads[static_cast<std::size_t>(s.thread)].c_str(), kind, s.object.c_str(),
                  s.begin, s.end, s.to_end ? " to end" : "");
    out += buf;
  }
  return out;
}

TEST(TimelineTest, AnUncontendedLockIsHeldFromItsLockToItsUnlock) {
  Trace tr;
  tr.threads = {"A"};
  tr.events = {Ev(0, "lock", "m"), Ev(0, "write", "x"), Ev(0, "unlock", "m"), Ev(0, "exit")};
  // (The exit is A's last step: only then has the unlock before it taken effect.)
  const Timeline t = BuildTimeline(tr);
  // The lock takes effect as A runs on after step 0, the unlock after step 2.
  EXPECT_EQ(Spans(t), "A: held m [0.5, 2.5]\n");
  EXPECT_EQ(t.locks, std::vector<std::string>{"m"});
  EXPECT_TRUE(t.steps[3].exits);
}

TEST(TimelineTest, APreemptedLockTakesEffectWhenItsThreadRunsAgain) {
  Trace tr;
  tr.threads = {"A", "B"};
  tr.events = {Ev(0, "lock", "m"), Ev(1, "write", "x"), Ev(1, "write", "y"), Ev(0, "unlock", "m"),
               Ev(0, "exit")};
  tr.events[0].preempted = true;
  EXPECT_EQ(Spans(BuildTimeline(tr)), "A: held m [2.5, 3.5]\n");
}

TEST(TimelineTest, AContendedLockIsWaitedForThenHeld) {
  Trace tr;
  tr.threads = {"A", "B"};
  tr.events = {Ev(0, "lock", "m"),   Ev(0, "write", "x"), Ev(1, "lock", "m"),
               Ev(1, "blocked", "m"), Ev(0, "unlock", "m"), Ev(0, "exit"),
               Ev(1, "write", "x"),   Ev(1, "unlock", "m")};
  tr.events[1].preempted = true;
  // B's last unlock never took effect: B never ran after it.
  EXPECT_EQ(Spans(BuildTimeline(tr)),
            "A: held m [0.5, 4.5]\n"
            "B: waits m [3.0, 5.5]\n"
            "B: held m [5.5, 7.5] to end\n");
}

TEST(TimelineTest, AConditionVariableWaitGivesItsLockUpAndTakesItBack) {
  Trace tr;
  tr.threads = {"W", "S"};
  tr.events = {Ev(0, "lock", "m"),        Ev(0, "wait", "cv", "m"), Ev(0, "blocked", "cv"),
               Ev(1, "lock", "m"),        Ev(1, "notify_one", "cv"), Ev(1, "unlock", "m"),
               Ev(1, "exit"),             Ev(0, "read", "x"),        Ev(0, "unlock", "m")};
  EXPECT_EQ(Spans(BuildTimeline(tr)),
            "W: held m [0.5, 1.5]\n"
            "W: waits cv [2.0, 6.5]\n"
            "W: held m [6.5, 8.5] to end\n"
            "S: held m [3.5, 5.5]\n");
}

TEST(TimelineTest, AnEventWaitGivesNoLockUp) {
  Trace tr;
  tr.threads = {"A"};
  tr.events = {Ev(0, "lock", "m"), Ev(0, "wait", "done"), Ev(0, "unlock", "m")};
  EXPECT_EQ(Spans(BuildTimeline(tr)), "A: held m [0.5, 2.5] to end\n");
}

TEST(TimelineTest, ADeadlocksLastRequestsAreDrawnUntilTheEnd) {
  Trace tr;
  tr.threads = {"A", "B"};
  tr.events = {Ev(0, "lock", "a"), Ev(0, "sleep"), Ev(1, "lock", "b"), Ev(1, "sleep"),
               Ev(1, "lock", "a"), Ev(0, "lock", "b"), Ev(1, "blocked", "a")};
  EXPECT_EQ(Spans(BuildTimeline(tr)),
            "A: held a [0.5, 6.5] to end\n"
            "A: asks b [5.0, 6.5] to end\n"
            "B: held b [2.5, 6.5] to end\n"
            "B: waits a [6.0, 6.5] to end\n");
}

TEST(TimelineTest, AFailedTryLockHoldsNothing) {
  Trace tr;
  tr.threads = {"A", "B"};
  tr.events = {Ev(0, "lock", "m"),   Ev(0, "write", "x"),  Ev(1, "try_lock", "m"),
               Ev(1, "exit"),       Ev(0, "unlock", "m"), Ev(0, "exit")};
  tr.events[1].preempted = true;
  EXPECT_EQ(Spans(BuildTimeline(tr)), "A: held m [0.5, 4.5]\n");
  // Before A's lock took effect (A preempted at it), B's try_lock succeeds.
  tr.events = {Ev(0, "lock", "m"), Ev(1, "try_lock", "m"), Ev(1, "unlock", "m"), Ev(1, "exit"),
               Ev(0, "exit")};
  tr.events[0].preempted = true;
  EXPECT_EQ(Spans(BuildTimeline(tr)), "A: held m [3.5, 4.5] to end\nB: held m [1.5, 2.5]\n");
}

TEST(TimelineTest, EventsOfNoKnownThreadGetALaneOfTheirOwn) {
  Trace tr;
  tr.threads = {"A"};
  tr.events = {Ev(0, "lock", "m"), Ev(-1, "note"), Ev(2, "exit")};
  const Timeline t = BuildTimeline(tr);
  EXPECT_EQ(t.threads, (std::vector<std::string>{"A", "#1", "#2", "?"}));
  EXPECT_EQ(t.steps[1].thread, 3);
  EXPECT_EQ(t.steps[2].thread, 2);
}

TEST(TimelineTest, ThreadPositionsFollowTheStudentsFileAndEndAtExit) {
  Trace tr;
  tr.threads = {"main", "A"};
  tr.events = {Ev(0, "start thread"), Ev(1, "lock", "m"), Ev(1, "exit")};
  tr.events[0].site = {"spec.cpp", 5};
  tr.events[1].site = {"dir/sol.cpp", 12};
  const Timeline t = BuildTimeline(tr);
  EXPECT_EQ(ThreadPositions(t, 1, "sol.cpp"), (std::vector<int>{-1, 1}));
  EXPECT_EQ(ThreadPositions(t, 2, "sol.cpp"), (std::vector<int>{-1, -1}));
}

TEST(FindingGraphTest, ADeadlockIsDrawnInCycleOrder) {
  Finding f;
  f.kind = FindingKind::kDeadlock;
  f.threads = {"alice", "bob"};
  f.steps = {{"alice", "holds", "a", {}, {"x.cpp", 3}},
             {"alice", "waits for", "b", {"x.cpp", 4}, {}},
             {"bob", "holds", "b", {}, {"x.cpp", 8}},
             {"bob", "waits for", "a", {"x.cpp", 9}, {}}};
  const FindingGraph g = BuildFindingGraph(f);
  ASSERT_EQ(g.nodes.size(), 4u);
  EXPECT_TRUE(g.cycle);
  // alice -> b -> bob -> a -> alice: each edge goes to the next node on the circle.
  std::vector<std::string> names;
  for (const GraphNode& n : g.nodes) names.push_back(n.name);
  EXPECT_EQ(names, (std::vector<std::string>{"alice", "b", "bob", "a"}));
  for (const GraphEdge& e : g.edges) EXPECT_EQ(e.to, (e.from + 1) % 4) << e.detail;
}

TEST(FindingGraphTest, ALockOrderInversionIsACycleOfLocksLabelledWithThreads) {
  Finding f;
  f.kind = FindingKind::kLockOrderInversion;
  f.objects = {"a", "b"};
  f.steps = {{"alice", "acquired 'b' while holding 'a'", "b", {"x.cpp", 4}, {"x.cpp", 3}},
             {"bob", "acquired 'a' while holding 'b'", "a", {"x.cpp", 9}, {"x.cpp", 8}}};
  const FindingGraph g = BuildFindingGraph(f);
  EXPECT_EQ(g.title, "Lock-order cycle");
  ASSERT_EQ(g.edges.size(), 2u);
  EXPECT_EQ(g.edges[0].label, "alice");
  EXPECT_EQ(g.edges[0].detail, "'alice' holds 'a' (taken at x.cpp:3), takes 'b' at x.cpp:4");
  EXPECT_EQ(g.nodes[static_cast<std::size_t>(g.edges[1].to)].name, "a");
}

}  // namespace
}  // namespace lab::grader
