// lock_order_graph.h — the lock-order graph and its potential-deadlock cycles.
//
// A node is a lock (Mutex, RLock, SharedMutex) or a gate-capable semaphore. An edge
// A→B records that some thread requested B while holding A; each edge keeps a few
// distinct observations (thread, both sites, what else the thread held). A cycle is a
// `lock-order-inversion` when no gate covers it. A cycle whose edges one thread took is one
// too (DESIGN §4, as TSan, Helgrind and lockdep report it): its code paths deadlock once two
// threads run them; a cycle with two threads is preferred when both exist. A gate is a node held in every chosen observation of
// the cycle: a lock, or a semaphore whose permits are fewer than the cycle's edges (the
// dining philosophers' "at most four at the table").
// A gate may be a node of the cycle itself: that only happens when some edge into it was
// requested while it was already held (RLock re-entry, a second semaphore permit), and the
// argument is the same — observations that all hold one lock (or more permits than the
// semaphore has) cannot be in progress at once, so they cannot close a deadlock.
// Ids in `held` keep gating after their node is removed (the observation was recorded
// while the object existed), until the id is reused by AddNode.
// No internal locking (the runtime holds its detector lock). No fixed limit on nodes,
// edges, held locks or cycle length. Cost: AddEdge is O(1) amortised plus the size of
// the held set; RemoveNode is linear in the edges of the node and of its neighbours;
// FindInversion, when there is no cycle through the edge, costs about twice the smaller
// of what `to` reaches and what reaches `from`; otherwise it is an iterative-deepening
// search over simple paths, bounded by kSearchBudget units of work. It is called only
// when AddEdge reports something new.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "lab/internal/site.h"

namespace lab::internal {

class LockOrderGraph {
 public:
  using Node = std::uint32_t;

  struct Observation {
    Tid thread = kNoTid;
    SiteRef from_site;       // where `from` was acquired
    SiteRef to_site;         // where `to` was requested
    std::vector<Node> held;  // every node the thread held at the time (includes `from`);
                             // the graph keeps it sorted, without duplicates
    bool from_shared = false;  // `from` was held for reading (SharedMutex::lock_shared)
    bool to_shared = false;    // `to` was requested for reading
  };

  struct CycleEdge {
    Node from = 0;
    Node to = 0;
    Observation obs;  // the observation chosen for this edge
  };

  // A new node. `gate_permits` is 0 for a lock, k > 0 for a semaphore with k permits.
  Node AddNode(int gate_permits = 0);
  // Some thread requested `n` for writing and may wait for it: from now on its waiting
  // holds back readers, so a reader→reader junction at `n` can close a deadlock.
  void MarkWriter(Node n);
  // Removes a node and its edges (the object was destroyed). Its id may be reused.
  void RemoveNode(Node n);
  // Records that `to` was requested while `from` was held; both must be live, and a
  // request of a node already held (from == to) is not an edge. Returns true when the
  // edge is new or the observation was kept because it could enable a cycle the kept
  // ones could not. Per edge at most kMaxObservationsPerEdge are kept:
  //  - an observation is dropped (false) when a kept one of the same thread holds a
  //    subset of its held set: any gate over the new one also covers the kept one;
  //  - kept ones of the same thread holding a superset are replaced by it;
  //  - when full, a new thread evicts the last kept observation of a thread that has
  //    several (distinct threads matter more than held sets); otherwise it is dropped.
  bool AddEdge(Node from, Node to, const Observation& obs);
  // The shortest cycle through the edge from→to that can deadlock (see above), as its
  // edges in order starting with from→to; one whose observations come from two threads or
  // more when there is one, else one of a single thread. nullopt when there is none, or
  // when the search spent kSearchBudget without finding one (a pathological graph must not
  // hang a run).
  std::optional<std::vector<CycleEdge>> FindInversion(Node from, Node to) const;
  // Forget every edge and observation (a new run). Live nodes keep their ids and
  // permits: objects that outlive a run (globals) still refer to them.
  void Clear();
  // Forget everything, nodes included, keeping the storage (a controlled run's next
  // schedule: every object it uses gets a new node).
  void Reset();

  // At most this many observations are kept per edge.
  static constexpr std::size_t kMaxObservationsPerEdge = 4;
  // Units of work (path expansions plus observation-choice states) one FindInversion
  // may spend. Far above any lab program (a 5-philosopher cycle costs a few dozen).
  static constexpr std::uint64_t kSearchBudget = std::uint64_t{1} << 22;

  std::size_t num_nodes() const;  // live nodes
  std::size_t num_edges() const;

 private:
  struct Edge {
    Node to;
    std::vector<Observation> obs;
  };
  struct NodeData {
    bool live = false;
    int gate_permits = 0;  // kept after removal: old observations may still hold it
    bool writer = false;   // MarkWriter: requested for writing at least once
    std::vector<Edge> out;
    std::vector<Node> in;  // sources of the edges into this node, one entry per edge
  };

  static std::uint64_t Key(Node from, Node to) {
    return (static_cast<std::uint64_t>(from) << 32) | to;
  }
  bool Live(Node n) const { return n < nodes_.size() && nodes_[n].live; }
  // Removes the edge nodes_[from].out[index] and its index entry (not the target's `in`).
  void EraseOutEdge(Node from, std::size_t index);
  // True when some path leads from `src` to `dst` (src != dst). Adds its cost to `work`.
  bool Reaches(Node src, Node dst, std::uint64_t& work) const;
  // True when `g`, held across every edge of a cycle of `cycle_edges` edges, gates it.
  bool IsGate(Node g, std::size_t cycle_edges) const;
  // False when a thread requesting `n` (`requested_shared`) cannot wait for a thread that
  // holds it (`held_shared`): both readers, and no writer ever requested `n`.
  bool CanWait(Node n, bool requested_shared, bool held_shared) const;
  // FindInversion's search, for cycles of two threads or more (`two_threads`) or any.
  std::optional<std::vector<CycleEdge>> FindCycle(Node from, Node to, bool two_threads) const;
  // Picks one kept observation per edge of the cycle `edges` so that no gate covers it
  // (and, with `two_threads`, two threads contribute), or returns an empty vector. Adds
  // the states it explores to `work`.
  std::vector<const Observation*> ChooseObservations(const std::vector<const Edge*>& edges,
                                                     bool two_threads, std::uint64_t& work) const;

  std::vector<NodeData> nodes_;
  std::vector<Node> free_;
  std::unordered_map<std::uint64_t, std::size_t> edge_index_;  // Key → index in out
  std::size_t live_nodes_ = 0;
  std::size_t num_edges_ = 0;
  // Scratch for Reaches, reused so a search costs what it visits, not the graph's size.
  // Mutable: FindInversion is logically const, and callers serialise every call anyway.
  mutable std::vector<std::uint32_t> mark_;
  mutable std::uint32_t mark_epoch_ = 0;
};

}  // namespace lab::internal
