// The graph of a finding's steps. See finding_graph.h.
#include "finding_graph.h"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "lab/report.h"

namespace lab::grader {
namespace {

// Node index of (kind, name), added when new.
int NodeOf(FindingGraph* g, GraphNode::Kind kind, const std::string& name) {
  for (std::size_t i = 0; i < g->nodes.size(); ++i) {
    if (g->nodes[i].kind == kind && g->nodes[i].name == name) return static_cast<int>(i);
  }
  g->nodes.push_back({kind, name});
  return static_cast<int>(g->nodes.size()) - 1;
}

std::string At(const SourceSite& s) { return s.known() ? " at " + FormatSite(s) : ""; }

// Same test as the text writer: the steps are the edges objects[0] -> objects[1] -> ... ->
// objects[0] of a lock-order cycle, steps[i].object being the lock taken on edge i.
bool StepsFollowCycle(const Finding& f) {
  const std::size_t n = f.objects.size();
  if (f.kind != FindingKind::kLockOrderInversion || n < 2 || f.steps.size() != n) return false;
  for (std::size_t i = 0; i < n; ++i) {
    if (f.steps[i].object != f.objects[(i + 1) % n]) return false;
  }
  return true;
}

FindingGraph LockOrderCycle(const Finding& f) {
  FindingGraph g;
  g.title = "Lock-order cycle";
  g.cycle = true;
  const std::size_t n = f.objects.size();
  for (std::size_t i = 0; i < n; ++i) NodeOf(&g, GraphNode::Kind::kObject, f.objects[i]);
  for (std::size_t i = 0; i < n; ++i) {
    const FindingStep& s = f.steps[i];
    GraphEdge e;
    e.from = static_cast<int>(i);
    e.to = static_cast<int>((i + 1) % n);
    e.label = s.thread;
    e.detail = "'" + s.thread + "' holds '" + f.objects[i] + "'" +
               (s.site2.known() ? " (taken at " + FormatSite(s.site2) + ")" : "") + ", takes '" +
               s.object + "'" + At(s.site);
    g.edges.push_back(std::move(e));
  }
  return g;
}

bool IsThread(const Finding& f, const std::string& name) {
  for (const std::string& t : f.threads) {
    if (t == name) return true;
  }
  return false;
}

// Renumbers the nodes in the order the edges visit them from node 0, so that a drawing that
// places nodes on a circle in order draws the cycle without crossings. Nodes the walk does
// not reach keep their order after it.
void InCycleOrder(FindingGraph* g) {
  const std::size_t n = g->nodes.size();
  std::vector<int> order;
  std::vector<bool> seen(n, false);
  for (int at = 0; at >= 0 && !seen[static_cast<std::size_t>(at)];) {
    seen[static_cast<std::size_t>(at)] = true;
    order.push_back(at);
    int next = -1;
    for (const GraphEdge& e : g->edges) {
      if (e.from == at && !seen[static_cast<std::size_t>(e.to)]) {
        next = e.to;
        break;
      }
    }
    at = next;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!seen[i]) order.push_back(static_cast<int>(i));
  }
  std::vector<int> index_of(n);
  std::vector<GraphNode> nodes;
  for (std::size_t i = 0; i < n; ++i) {
    index_of[static_cast<std::size_t>(order[i])] = static_cast<int>(i);
    nodes.push_back(g->nodes[static_cast<std::size_t>(order[i])]);
  }
  g->nodes = std::move(nodes);
  for (GraphEdge& e : g->edges) {
    e.from = index_of[static_cast<std::size_t>(e.from)];
    e.to = index_of[static_cast<std::size_t>(e.to)];
  }
}

}  // namespace

FindingGraph BuildFindingGraph(const Finding& f) {
  if (StepsFollowCycle(f)) return LockOrderCycle(f);
  FindingGraph g;
  switch (f.kind) {
    case FindingKind::kDeadlock:
    case FindingKind::kSelfDeadlock:
      g.title = "Wait-for cycle";
      g.cycle = true;
      break;
    case FindingKind::kStall:
      g.title = "Who waits for what";
      break;
    case FindingKind::kDataRace:
      g.title = "Conflicting accesses";
      break;
    default:
      g.title = "What the threads did";
      break;
  }
  for (const FindingStep& s : f.steps) {
    if (s.thread.empty() || s.object.empty()) continue;
    const int thread = NodeOf(&g, GraphNode::Kind::kThread, s.thread);
    const bool joins = s.action == "joins" && IsThread(f, s.object);
    const int object =
        NodeOf(&g, joins ? GraphNode::Kind::kThread : GraphNode::Kind::kObject, s.object);
    GraphEdge e;
    if (s.action == "holds") {
      // Drawn the wait-for way: the lock points at the thread that must release it.
      e.from = object;
      e.to = thread;
      e.label = "held by";
      e.detail = "'" + s.thread + "' holds '" + s.object + "'" +
                 (s.site2.known() ? " (taken at " + FormatSite(s.site2) + ")" : "");
    } else {
      e.from = thread;
      e.to = object;
      e.label = s.action;
      e.detail = "'" + s.thread + "' " + s.action + " '" + s.object + "'" + At(s.site);
    }
    g.edges.push_back(std::move(e));
  }
  if (g.edges.empty()) g.nodes.clear();
  if (g.cycle) InCycleOrder(&g);
  return g;
}

}  // namespace lab::grader
