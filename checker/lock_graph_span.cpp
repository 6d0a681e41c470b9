// LockGraph across jobs: each job keeps what its executions added; one graph replays them in order.
#include <algorithm>

#include "checker/lock_graph.hpp"

namespace checker {

void LockGraph::keep(const sim::Schedule& schedule, std::vector<std::uint32_t> added, bool deadlocked) {
  if (added.empty() && !deadlocked) return;
  Kept k{.unit = unit_, .rank = rank_, .edges = std::move(added), .deadlock = {}, .deadlocked = deadlocked, .schedule = {}};
  if (deadlocked) k.deadlock = deadlocks_.back().nodes;
  // Only an execution that adds edges can close a cycle, and a cycle is told by its token.
  if (!k.edges.empty()) k.schedule = schedule;
  kept_.push_back(std::move(k));
  kept_now_ = true;
}

void LockGraph::describe_kept(std::string found_by, bool names_execution) {
  kept_.back().found_by = std::move(found_by);
  kept_.back().names_execution = names_execution;
}

void LockGraph::forget() {
  if (kept_now_) kept_.pop_back();
  kept_now_ = false;
}

std::vector<sim::PlacedFailure> LockGraph::span(std::span<Checker* const> jobs,
                                                const std::function<std::uint64_t(std::uint64_t, std::uint64_t)>& execution) {
  struct At {
    const LockGraph* job;
    const Kept* kept;
  };
  std::vector<At> all;
  for (Checker* c : jobs) {
    const auto& job = static_cast<const LockGraph&>(*c);
    for (const Kept& k : job.kept_) all.push_back(At{&job, &k});
  }
  // Places are unique across jobs: the order of the whole search.
  std::sort(all.begin(), all.end(), [](const At& a, const At& b) {
    return a.kept->unit != b.kept->unit ? a.kept->unit < b.kept->unit : a.kept->rank < b.kept->rank;
  });
  std::vector<sim::PlacedFailure> out;
  std::vector<sim::Failure> found;
  for (const At& a : all) {
    absorb(*a.job, *a.kept, execution(a.kept->unit, a.kept->rank));
    take_findings(found);
    for (sim::Failure& f : found) {
      f.found_by = a.kept->found_by;
      out.push_back(sim::PlacedFailure{a.kept->unit, a.kept->rank, std::move(f), a.kept->names_execution});
    }
    found.clear();
  }
  return out;
}

std::uint32_t LockGraph::node_from(const LockGraph& job, std::uint32_t n) {
  const Node& x = job.nodes_[n];
  // A node told apart only within its execution belongs to the execution being absorbed.
  const std::uint64_t execution = x.execution != 0 ? executions_ : 0;
  for (std::uint32_t i = 0; i < nodes_.size(); ++i) {
    const Node& y = nodes_[i];
    if (y.execution == execution && y.ordinal == x.ordinal && y.name == x.name && y.created == x.created) return i;
  }
  nodes_.push_back(Node{x.name, x.created, execution, x.ordinal, x.display});
  return static_cast<std::uint32_t>(nodes_.size() - 1);
}

std::uint32_t LockGraph::thread_from(const LockGraph& job, std::uint32_t t) {
  const Thread& x = job.threads_[t];
  for (std::uint32_t i = 0; i < threads_.size(); ++i) {
    const Thread& y = threads_[i];
    if (y.ordinal == x.ordinal && y.name == x.name && y.spawned_at == x.spawned_at) return i;
  }
  threads_.push_back(x);
  return static_cast<std::uint32_t>(threads_.size() - 1);
}

// The same steps as on_end, in the same order (the deadlock, then the edges, then their cycles),
// on ids translated from the job's graph: replayed in the order of the whole search, the graph
// numbers its nodes and edges as one job walking the whole search would have.
void LockGraph::absorb(const LockGraph& job, const Kept& k, std::uint64_t execution) {
  executions_ = execution;
  if (k.deadlocked) {
    Deadlocked d{execution, {}};
    for (std::uint32_t n : k.deadlock) d.nodes.push_back(node_from(job, n));
    std::sort(d.nodes.begin(), d.nodes.end());
    deadlocks_.push_back(std::move(d));
  }
  std::vector<std::uint32_t> added;
  for (std::uint32_t i : k.edges) {
    const Edge& x = job.edges_[i];
    const std::uint32_t from = node_from(job, x.from);
    const std::uint32_t to = node_from(job, x.to);
    Edge e{from, to, thread_from(job, x.thread), x.from_at, x.to_at, {}, {}, execution};
    for (std::uint32_t n : x.lockset) e.lockset.push_back(node_from(job, n));
    std::sort(e.lockset.begin(), e.lockset.end());
    for (const auto& [t, clock] : x.forks) e.forks.emplace_back(thread_from(job, t), clock);
    std::sort(e.forks.begin(), e.forks.end());
    if (std::find(edges_.begin(), edges_.end(), e) != edges_.end()) continue;
    edges_.push_back(std::move(e));
    added.push_back(static_cast<std::uint32_t>(edges_.size() - 1));
  }
  for (std::uint32_t e : added) find_cycles(k.schedule, e);
}

}  // namespace checker
