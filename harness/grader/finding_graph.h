// The graph a finding's steps describe, as nodes and edges for a drawing: the lock-order
// cycle of an inversion (locks as nodes, one edge per "holds A, then takes B", labelled with
// the thread), or the wait-for graph of a deadlock, self-deadlock or stall (threads and
// objects as nodes: "waits for" from a thread to an object, "held by" from a lock to its
// holder), or the accesses of a data race. Built from the Finding's fields only.
//
//   FindingGraph g = BuildFindingGraph(finding);
//   if (!g.nodes.empty()) ... draw g.nodes on a circle, g.edges between them ...
#pragma once

#include <string>
#include <vector>

#include "lab/finding.h"

namespace lab::grader {

struct GraphNode {
  enum class Kind { kThread, kObject };
  Kind kind = Kind::kObject;
  std::string name;
};

struct GraphEdge {
  int from = 0;  // index into FindingGraph::nodes
  int to = 0;
  std::string label;   // "alice", "waits for", "held by"
  std::string detail;  // "holds 'account[0]' (abba.cpp:23), takes 'account[1]' at abba.cpp:24"
};

struct FindingGraph {
  std::string title;  // "Lock-order cycle", "Wait-for graph", "Conflicting accesses"
  bool cycle = false;  // the edges close a cycle (deadlock, inversion, self-deadlock)
  std::vector<GraphNode> nodes;  // a cycle's in cycle order; else as the steps name them
  std::vector<GraphEdge> edges;
};

// Empty (no nodes) when the finding has no steps that name both a thread and an object.
FindingGraph BuildFindingGraph(const Finding& finding);

}  // namespace lab::grader
