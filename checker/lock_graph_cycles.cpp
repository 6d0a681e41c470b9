// LockGraph: searching the run's graph for cycles that could deadlock, and describing them.
#include <fmt/format.h>

#include <algorithm>

#include "checker/lock_graph.hpp"
#include "sim/core/execution.hpp"

namespace checker {

namespace {

// Cycles longer than this are not searched for: real lock-order deadlocks are short, and the
// search is exponential in the length.
constexpr std::size_t max_cycle = 6;
// Edges looked at per new edge, so a dense graph cannot stall a run.
constexpr std::size_t search_budget = 20000;

std::uint32_t clock_in(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& forks, std::uint32_t thread) {
  for (const auto& [t, c] : forks) {
    if (t == thread) return c;
  }
  return 0;
}

bool disjoint(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
  auto i = a.begin();
  auto j = b.begin();
  while (i != a.end() && j != b.end()) {
    if (*i == *j) return false;
    if (*i < *j) {
      ++i;
    } else {
      ++j;
    }
  }
  return true;
}

}  // namespace

bool LockGraph::compatible(const Edge& a, const Edge& b) const {
  // One task cannot wait for itself; a common lock keeps the two apart (a gate lock).
  if (a.thread == b.thread || !disjoint(a.lockset, b.lockset)) return false;
  // An edge ordered before the other by spawn or join is over before the other starts.
  auto before = [](const Edge& x, const Edge& y) { return clock_in(x.forks, x.thread) <= clock_in(y.forks, x.thread); };
  return !before(a, b) && !before(b, a);
}

void LockGraph::find_cycles(const sim::Schedule& schedule, std::uint32_t first) {
  std::vector<std::uint32_t> path{first};
  std::size_t budget = search_budget;
  const std::uint32_t start = edges_[first].from;
  auto extend = [&](auto& self, std::uint32_t at) -> void {
    for (std::uint32_t k = 0; k < edges_.size() && budget > 0; ++k) {
      const Edge& e = edges_[k];
      if (e.from != at) continue;
      --budget;
      const bool fits = std::all_of(path.begin(), path.end(), [&](std::uint32_t p) { return p != k && compatible(edges_[p], e); });
      if (!fits) continue;
      path.push_back(k);
      if (e.to == start) {
        report(schedule, path);
      } else if (path.size() < max_cycle &&
                 std::none_of(path.begin(), path.end(), [&](std::uint32_t p) { return edges_[p].from == e.to; })) {
        self(self, e.to);
      }
      path.pop_back();
    }
  };
  extend(extend, edges_[first].to);
}

void LockGraph::report(const sim::Schedule& schedule, std::vector<std::uint32_t> path) {
  // One spelling per cycle: start at the edge leaving the lowest-numbered node.
  auto lowest = std::min_element(path.begin(), path.end(),
                                 [&](std::uint32_t a, std::uint32_t b) { return edges_[a].from < edges_[b].from; });
  std::rotate(path.begin(), lowest, path.end());
  auto same_nodes = [&](const Cycle& c) {
    if (c.edges.size() != path.size()) return false;
    for (std::size_t i = 0; i < path.size(); ++i) {
      if (edges_[c.edges[i]].from != edges_[path[i]].from) return false;
    }
    return true;
  };
  if (std::any_of(cycles_.begin(), cycles_.end(), same_nodes)) return;
  Cycle c;
  c.edges = std::move(path);
  for (std::uint32_t e : c.edges) c.nodes.push_back(edges_[e].from);
  std::sort(c.nodes.begin(), c.nodes.end());
  c.where = edges_[c.edges[0]].to_at;
  c.other = edges_[c.edges[1]].to_at;
  // Already seen deadlocking for real: the Deadlock is the report (reconcile() adds the note).
  c.reported = std::none_of(deadlocks_.begin(), deadlocks_.end(), [&](const Deadlocked& d) { return d.nodes == c.nodes; });
  if (c.reported) findings_.push_back(describe(schedule, c));
  cycles_.push_back(std::move(c));
}

std::string LockGraph::path_text(const Cycle& c) const {
  std::string out;
  for (std::uint32_t e : c.edges) out += nodes_[edges_[e].from].display + " → ";
  return out + nodes_[edges_[c.edges.front()].from].display;
}

sim::Failure LockGraph::describe(const sim::Schedule& schedule, const Cycle& c) const {
  sim::Failure f;
  f.kind = sim::FailureKind::PotentialDeadlock;
  std::string clauses;
  std::vector<std::uint64_t> executions;
  for (std::uint32_t i : c.edges) {
    const Edge& e = edges_[i];
    const std::string& who = threads_[e.thread].name;
    if (!clauses.empty()) clauses += ", ";
    clauses += fmt::format("{} takes {} while holding {}", who, nodes_[e.to].display, nodes_[e.from].display);
    f.details.push_back(fmt::format("{} locks {} at {} while holding {} (locked at {})", who, nodes_[e.to].display,
                                    to_string(e.to_at), nodes_[e.from].display, to_string(e.from_at)));
    if (std::find(executions.begin(), executions.end(), e.execution) == executions.end()) executions.push_back(e.execution);
  }
  f.message = fmt::format("lock-order cycle {}: {}; run at the same time, each can hold one lock and wait for the next",
                          path_text(c), clauses);
  const Edge& first = edges_[c.edges.front()];
  f.task_name = threads_[first.thread].name;
  f.where = c.where;
  f.other = c.other;
  f.schedule = schedule;
  if (executions.size() > 1) {
    std::sort(executions.begin(), executions.end());
    std::string list;
    for (std::uint64_t x : executions) list += (list.empty() ? "" : ", ") + std::to_string(x);
    f.notes.push_back(fmt::format("its edges were seen in executions {}; the token replays execution {}, which shows only some of them",
                                  list, executions_));
  }
  return f;
}

}  // namespace checker
