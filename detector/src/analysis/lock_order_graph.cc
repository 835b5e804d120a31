// lock_order_graph.cc — edges with a few observations each, and the inversion search.
//
// FindInversion looks for the shortest simple path to → ... → from that closes a cycle
// with the edge from→to and admits a choice of one observation per edge that can
// deadlock. It works in four steps:
//  0. a bidirectional search (forward from `to`, backward from `from`, always growing
//     the side that has done less work) decides whether there is a cycle at all; with
//     none, as for almost every new edge, it costs about twice the smaller side;
//  1. a BFS from `to` (not past `from`) collects the nodes a path can start through;
//  2. a reverse BFS from `from` over them gives each node its distance to `from`, a
//     lower bound that prunes the path search;
//  3. iterative deepening over simple paths of exactly 1, 2, ... edges, so a cycle that
//     is gated or single-threaded does not hide a longer one that is not. Each cycle's
//     observation choice is a layered search over (common gates, threads seen) states,
//     deduplicated per edge, so it never enumerates the product of all choices.
// Everything counts against kSearchBudget; the search gives up (nullopt) past it.
#include "lock_order_graph.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <utility>

namespace lab::internal {

LockOrderGraph::Node LockOrderGraph::AddNode(int gate_permits) {
  Node n;
  if (!free_.empty()) {
    n = free_.back();
    free_.pop_back();
    nodes_[n] = NodeData{};
  } else {
    n = static_cast<Node>(nodes_.size());
    nodes_.emplace_back();
  }
  nodes_[n].live = true;
  nodes_[n].gate_permits = gate_permits;
  ++live_nodes_;
  return n;
}

void LockOrderGraph::MarkWriter(Node n) {
  if (Live(n)) nodes_[n].writer = true;
}

bool LockOrderGraph::CanWait(Node n, bool requested_shared, bool held_shared) const {
  return !(requested_shared && held_shared) || (n < nodes_.size() && nodes_[n].writer);
}

void LockOrderGraph::EraseOutEdge(Node from, std::size_t index) {
  std::vector<Edge>& out = nodes_[from].out;
  edge_index_.erase(Key(from, out[index].to));
  if (index + 1 != out.size()) {
    out[index] = std::move(out.back());
    edge_index_[Key(from, out[index].to)] = index;
  }
  out.pop_back();
  --num_edges_;
}

void LockOrderGraph::RemoveNode(Node n) {
  if (!Live(n)) return;
  NodeData& d = nodes_[n];
  for (const Edge& e : d.out) {
    std::vector<Node>& in = nodes_[e.to].in;
    in.erase(std::find(in.begin(), in.end(), n));
    edge_index_.erase(Key(n, e.to));
    --num_edges_;
  }
  d.out.clear();
  for (Node p : d.in) EraseOutEdge(p, edge_index_.at(Key(p, n)));
  d.in.clear();
  // gate_permits stays: observations on other edges may list n as held (see header).
  d.live = false;
  --live_nodes_;
  free_.push_back(n);
}

bool LockOrderGraph::AddEdge(Node from, Node to, const Observation& obs) {
  if (from == to || !Live(from) || !Live(to)) return false;
  Observation o = obs;
  std::sort(o.held.begin(), o.held.end());
  o.held.erase(std::unique(o.held.begin(), o.held.end()), o.held.end());

  auto [it, inserted] = edge_index_.try_emplace(Key(from, to), nodes_[from].out.size());
  if (inserted) {
    nodes_[from].out.push_back(Edge{to, {std::move(o)}});
    nodes_[to].in.push_back(from);
    ++num_edges_;
    return true;
  }
  std::vector<Observation>& kept = nodes_[from].out[it->second].obs;
  // held sets are sorted: std::includes(a, b) is b ⊆ a. An exclusive mode can close every
  // cycle the shared one can: `a` covers `b` when its modes are no more shared.
  auto modes_cover = [](const Observation& a, const Observation& b) {
    return (!a.from_shared || b.from_shared) && (!a.to_shared || b.to_shared);
  };
  for (const Observation& k : kept) {
    if (k.thread == o.thread && modes_cover(k, o) &&
        std::includes(o.held.begin(), o.held.end(), k.held.begin(), k.held.end())) {
      return false;
    }
  }
  std::erase_if(kept, [&o, &modes_cover](const Observation& k) {
    return k.thread == o.thread && modes_cover(o, k) &&
           std::includes(k.held.begin(), k.held.end(), o.held.begin(), o.held.end());
  });
  if (kept.size() < kMaxObservationsPerEdge) {
    kept.push_back(std::move(o));
    return true;
  }
  auto count_thread = [&kept](Tid t) {
    return std::count_if(kept.begin(), kept.end(),
                         [t](const Observation& k) { return k.thread == t; });
  };
  if (count_thread(o.thread) != 0) return false;
  for (std::size_t i = kept.size(); i-- > 0;) {
    if (count_thread(kept[i].thread) > 1) {
      kept.erase(kept.begin() + static_cast<std::ptrdiff_t>(i));
      kept.push_back(std::move(o));
      return true;
    }
  }
  return false;
}

bool LockOrderGraph::IsGate(Node g, std::size_t cycle_edges) const {
  if (g >= nodes_.size()) return false;  // never a node: nothing is known to gate
  const int permits = nodes_[g].gate_permits;
  return permits <= 0 || static_cast<std::size_t>(permits) < cycle_edges;
}

std::vector<const LockOrderGraph::Observation*> LockOrderGraph::ChooseObservations(
    const std::vector<const Edge*>& edges, bool two_threads, std::uint64_t& work) const {
  // A state is what matters for the rest of the cycle after choosing observations for a
  // prefix: the gates common to all of them, whether two threads were seen (else
  // which single thread), and the modes at the prefix's open ends (the first choice's
  // `from`, the last one's `to`: each junction needs CanWait). `prev`/`choice` rebuild
  // the choice once a state is good.
  struct State {
    std::vector<Node> gates;
    bool multi = false;
    Tid thread = kNoTid;
    bool first_from_shared = false;
    bool last_to_shared = false;
    std::size_t prev = 0;
    std::size_t choice = 0;
  };
  const std::size_t n = edges.size();
  // Without a shared mode every junction can wait, and a good prefix finishes early.
  bool modes = false;
  for (const Edge* e : edges) {
    for (const Observation& o : e->obs) modes = modes || o.from_shared || o.to_shared;
  }
  std::vector<std::vector<State>> layers(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::map<std::pair<std::vector<Node>, std::uint64_t>, bool> seen;
    const std::size_t sources = i == 0 ? 1 : layers[i - 1].size();
    for (std::size_t s = 0; s < sources; ++s) {
      for (std::size_t j = 0; j < edges[i]->obs.size(); ++j) {
        if (++work > kSearchBudget) return {};
        const Observation& o = edges[i]->obs[j];
        State next{{}, false, o.thread, o.from_shared, o.to_shared, s, j};
        if (i == 0) {
          for (Node g : o.held) {
            if (IsGate(g, n)) next.gates.push_back(g);
          }
        } else {
          const State& from = layers[i - 1][s];
          // The previous edge's thread requests the lock this edge's thread holds.
          if (!CanWait(edges[i - 1]->to, from.last_to_shared, o.from_shared)) continue;
          std::set_intersection(from.gates.begin(), from.gates.end(), o.held.begin(), o.held.end(),
                                std::back_inserter(next.gates));
          next.multi = from.multi || from.thread != o.thread;
          next.thread = from.thread;
          next.first_from_shared = from.first_from_shared;
        }
        // The last edge's thread requests the lock the first edge's thread holds.
        if (i + 1 == n && !CanWait(edges[i]->to, next.last_to_shared, next.first_from_shared)) {
          continue;
        }
        const std::uint64_t threads = (next.multi ? std::uint64_t{1} << 32 : next.thread) |
                                      (std::uint64_t{next.first_from_shared} << 33) |
                                      (std::uint64_t{next.last_to_shared} << 34);
        if (!seen.emplace(std::make_pair(next.gates, threads), true).second) continue;
        const bool good =
            (next.multi || !two_threads) && next.gates.empty() && (!modes || i + 1 == n);
        layers[i].push_back(std::move(next));
        if (!good) continue;
        // Nothing chosen later can add a gate, remove a thread or (without modes) fail a
        // junction: finish with any observation and walk the choice back.
        std::vector<const Observation*> chosen(n, nullptr);
        for (std::size_t k = i + 1; k < n; ++k) chosen[k] = &edges[k]->obs.front();
        std::size_t at = layers[i].size() - 1;
        for (std::size_t k = i + 1; k-- > 0;) {
          const State& st = layers[k][at];
          chosen[k] = &edges[k]->obs[st.choice];
          at = st.prev;
        }
        return chosen;
      }
    }
  }
  return {};
}

bool LockOrderGraph::Reaches(Node src, Node dst, std::uint64_t& work) const {
  // Marks instead of hash sets: this runs for every new edge, mostly on acyclic graphs.
  if (mark_.size() < nodes_.size()) mark_.resize(nodes_.size(), 0);
  if (mark_epoch_ > UINT32_MAX - 2) {
    std::fill(mark_.begin(), mark_.end(), 0);
    mark_epoch_ = 0;
  }
  const std::uint32_t fwd = ++mark_epoch_;
  const std::uint32_t bwd = ++mark_epoch_;
  mark_[src] = fwd;
  mark_[dst] = bwd;
  std::vector<Node> fq{src};
  std::vector<Node> bq{dst};
  std::size_t fi = 0;
  std::size_t bi = 0;
  std::uint64_t fwork = 0;
  std::uint64_t bwork = 0;
  // Either side running dry proves there is no path; the two meeting proves one.
  while (fi < fq.size() && bi < bq.size()) {
    if (work > kSearchBudget) return false;
    if (fwork <= bwork) {
      for (const Edge& e : nodes_[fq[fi++]].out) {
        ++fwork;
        ++work;
        if (mark_[e.to] == bwd) return true;
        if (mark_[e.to] != fwd) {
          mark_[e.to] = fwd;
          fq.push_back(e.to);
        }
      }
    } else {
      for (Node p : nodes_[bq[bi++]].in) {
        ++bwork;
        ++work;
        if (mark_[p] == fwd) return true;
        if (mark_[p] != bwd) {
          mark_[p] = bwd;
          bq.push_back(p);
        }
      }
    }
  }
  return false;
}

std::optional<std::vector<LockOrderGraph::CycleEdge>> LockOrderGraph::FindInversion(Node from,
                                                                                    Node to) const {
  if (auto cycle = FindCycle(from, to, /*two_threads=*/true)) return cycle;
  return FindCycle(from, to, /*two_threads=*/false);
}

std::optional<std::vector<LockOrderGraph::CycleEdge>> LockOrderGraph::FindCycle(
    Node from, Node to, bool two_threads) const {
  if (from == to || !Live(from) || !Live(to)) return std::nullopt;
  const auto first = edge_index_.find(Key(from, to));
  if (first == edge_index_.end()) return std::nullopt;
  std::uint64_t work = 0;
  if (!Reaches(to, from, work)) return std::nullopt;

  // 1. Forward reachability from `to`; a simple path ends at `from`, so stop there.
  struct Info {
    std::size_t dist = SIZE_MAX;  // edges to `from`; SIZE_MAX: cannot reach it
    bool on_path = false;
  };
  std::unordered_map<Node, Info> info;
  std::vector<Node> queue{to};
  info.emplace(to, Info{});
  for (std::size_t i = 0; i < queue.size(); ++i) {
    if (queue[i] == from) continue;
    for (const Edge& e : nodes_[queue[i]].out) {
      if (++work > kSearchBudget) return std::nullopt;
      if (info.emplace(e.to, Info{}).second) queue.push_back(e.to);
    }
  }
  if (info.find(from) == info.end()) return std::nullopt;

  // 2. Distances to `from` over the reached nodes; only those with one can be on a path.
  std::size_t relevant = 1;
  info[from].dist = 0;
  queue.assign(1, from);
  for (std::size_t i = 0; i < queue.size(); ++i) {
    const std::size_t d = info[queue[i]].dist;
    for (Node p : nodes_[queue[i]].in) {
      if (++work > kSearchBudget) return std::nullopt;
      auto it = info.find(p);
      if (it == info.end() || it->second.dist != SIZE_MAX) continue;
      it->second.dist = d + 1;
      ++relevant;
      queue.push_back(p);
    }
  }

  // 3. Iterative deepening over simple paths to → ... → from of exactly `len` edges.
  struct Frame {
    Node node;
    std::size_t next;  // next out-edge to try
  };
  std::vector<const Edge*> edges;  // the cycle: from→to, then the path
  std::vector<Frame> frames;
  for (std::size_t len = info[to].dist; len < relevant; ++len) {
    bool cut = false;  // some path was pruned for being too long: try a longer length
    edges.assign(1, &nodes_[from].out[first->second]);
    frames.assign(1, Frame{to, 0});
    info[to].on_path = true;
    while (!frames.empty()) {
      Frame& f = frames.back();
      const std::size_t remaining = len - (frames.size() - 1);
      const std::vector<Edge>& out = nodes_[f.node].out;
      if (f.node == from || f.next == out.size()) {
        if (f.node == from) {
          std::vector<const Observation*> chosen = ChooseObservations(edges, two_threads, work);
          if (!chosen.empty()) {
            std::vector<CycleEdge> cycle;
            cycle.reserve(edges.size());
            Node at = from;
            for (std::size_t k = 0; k < edges.size(); ++k) {
              cycle.push_back(CycleEdge{at, edges[k]->to, *chosen[k]});
              at = edges[k]->to;
            }
            return cycle;
          }
          if (work > kSearchBudget) return std::nullopt;
        }
        info[f.node].on_path = false;
        frames.pop_back();
        edges.pop_back();  // the root's pop removes from→to; reassigned per length
        continue;
      }
      const Edge& e = out[f.next++];
      if (++work > kSearchBudget) return std::nullopt;
      auto it = info.find(e.to);
      if (it == info.end() || it->second.on_path || it->second.dist == SIZE_MAX) continue;
      if (it->second.dist > remaining - 1) {
        cut = true;
        continue;
      }
      if (e.to == from && remaining != 1) continue;  // `from` only closes the cycle
      it->second.on_path = true;
      edges.push_back(&e);
      frames.push_back(Frame{e.to, 0});
    }
    if (!cut) break;
  }
  return std::nullopt;
}

void LockOrderGraph::Clear() {
  for (NodeData& d : nodes_) {
    d.out.clear();
    d.in.clear();
  }
  edge_index_.clear();
  num_edges_ = 0;
}

void LockOrderGraph::Reset() {
  nodes_.clear();
  free_.clear();
  // An empty unordered_map's clear still zeroes its bucket array (a memset per schedule of
  // a controlled run, most of which record no edge).
  if (!edge_index_.empty()) edge_index_.clear();
  live_nodes_ = 0;
  num_edges_ = 0;
}

std::size_t LockOrderGraph::num_nodes() const { return live_nodes_; }

std::size_t LockOrderGraph::num_edges() const { return num_edges_; }

}  // namespace lab::internal
