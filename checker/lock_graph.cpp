// LockGraph: lock-order edges from each execution, merged into one graph for the whole run.
#include "checker/lock_graph.hpp"

#include <algorithm>

#include "sim/core/execution.hpp"
#include "sim/core/op_traits.hpp"

namespace checker {

using sim::ObjectId;
using sim::OpKind;
using sim::TaskId;

void LockGraph::on_begin(const sim::Execution&) {
  ++executions_;
  for (std::size_t i = 0; i < tasks_used_; ++i) tasks_[i].held.clear();
  tasks_used_ = 0;
  forks_.clear();
  local_.clear();
  start_task(TaskId{0});
}

void LockGraph::start_task(TaskId t) {
  const std::uint32_t i = sim::index(t);
  if (i >= tasks_.size()) tasks_.resize(i + 1);
  if (i >= tasks_used_) tasks_used_ = i + 1;
}

void LockGraph::on_event(const sim::Execution&, const sim::Event& e) {
  using sim::OpRole;
  switch (sim::traits(e.op.kind).role) {
    case OpRole::Lock: lock(e); break;
    case OpRole::TryLock: try_lock(e); break;
    case OpRole::Unlock: unlock(e); break;
    case OpRole::Wait: wait(e); break;
    case OpRole::Spawn: spawn(e); break;
    case OpRole::Join: join(e); break;
    // Only mutexes are in the graph (an RwLock's shared side, semaphores and the rest are not).
    case OpRole::Start:
    case OpRole::Yield:
    case OpRole::Finish:
    case OpRole::Sleep:
    case OpRole::Print:
    case OpRole::Read:
    case OpRole::Write:
    case OpRole::AtomicLoad:
    case OpRole::AtomicStore:
    case OpRole::AtomicRmw:
    case OpRole::Wake:
    case OpRole::Notify:
    case OpRole::NotifyAll:
    case OpRole::Sync:
      break;
  }
}

void LockGraph::lock(const sim::Event& e) {
  Task& t = task(e.task);
  // The rare case, out of line and a tail call (nothing stays live across it): an edge per lock held.
  if (!t.held.empty()) [[unlikely]] return nested(e);
  t.held.push_back(Held{sim::index(e.op.object), e.op.where});
}

void LockGraph::try_lock(const sim::Event& e) {
  // A try_lock never waits, so it cannot close a cycle; the lock it takes is held all the same.
  if (e.flag) task(e.task).held.push_back(Held{sim::index(e.op.object), e.op.where});
}

void LockGraph::unlock(const sim::Event& e) { release(task(e.task), sim::index(e.op.object)); }

void LockGraph::wait(const sim::Event& e) {
  // The condvar's mutex is released; the event does not name it: the innermost one held.
  Task& t = task(e.task);
  if (!t.held.empty()) t.held.pop_back();
}

void LockGraph::spawn(const sim::Event& e) {
  start_task(e.peer);
  forks_.push_back(Fork{false, sim::index(e.task), sim::index(e.peer)});
}

void LockGraph::join(const sim::Event& e) { forks_.push_back(Fork{true, sim::index(e.task), sim::index(e.peer)}); }

void LockGraph::nested(const sim::Event& e) {
  const std::uint32_t ti = sim::index(e.task);
  const std::uint32_t m = sim::index(e.op.object);
  Task& t = task(e.task);
  for (const Held& h : t.held) {
    if (h.object == m) continue;
    LocalEdge edge{h.object, m, ti, h.where, e.op.where, {}, static_cast<std::uint32_t>(forks_.size())};
    for (const Held& g : t.held) edge.lockset.push_back(g.object);
    // A loop taking the same two locks adds its edge once.
    const bool seen = std::any_of(local_.begin(), local_.end(), [&](const LocalEdge& x) {
      return x.from == edge.from && x.to == edge.to && x.task == ti && x.from_at == edge.from_at &&
             x.to_at == edge.to_at && x.lockset == edge.lockset && x.at == edge.at;
    });
    if (!seen) local_.push_back(std::move(edge));
  }
  t.held.push_back(Held{m, e.op.where});
}

void LockGraph::release(Task& t, std::uint32_t object) {
  if (!t.held.empty() && t.held.back().object == object) {
    t.held.pop_back();
    return;
  }
  for (std::size_t i = t.held.size(); i-- > 0;) {
    if (t.held[i].object == object) {
      t.held.erase(t.held.begin() + static_cast<std::ptrdiff_t>(i));
      return;
    }
  }
}

void LockGraph::on_end(const sim::Execution& exec, const sim::Failure* failure) {
  const bool deadlocked = failure != nullptr && failure->kind == sim::FailureKind::Deadlock;
  if (local_.empty() && !deadlocked) return;  // the common case: nothing nested, nothing stuck
  local_nodes_.assign(exec.object_count(), none);
  local_threads_.assign(exec.task_count(), none);
  // Note an actual deadlock first, so a cycle closed by this same execution folds into it.
  const std::size_t deadlocks = deadlocks_.size();
  if (deadlocked) note_deadlock(exec);
  std::vector<std::uint32_t> added = merge(exec);
  if (keeping_) return keep(exec.schedule_so_far(), std::move(added), deadlocks_.size() > deadlocks);
  for (std::uint32_t e : added) find_cycles(exec.schedule_so_far(), e);
}

void LockGraph::hand_over(std::vector<sim::Failure>& out) {
  for (sim::Failure& f : findings_) out.push_back(std::move(f));
  findings_.clear();
}

std::uint32_t LockGraph::node_of(const sim::Execution& exec, std::uint32_t object) {
  std::uint32_t& local = local_nodes_[object];
  if (local != none) return local;
  const sim::ObjectInfo info = exec.object_info(ObjectId{object});
  std::size_t same = 0;
  for (std::uint32_t o = 0; o < exec.object_count() && same < 2; ++o) {
    const sim::ObjectInfo other = exec.object_info(ObjectId{o});
    if (other.name == info.name && other.created == info.created) ++same;
  }
  // Two objects with one name and creation place cannot be told apart in another execution.
  const std::uint64_t execution = same > 1 ? executions_ : 0;
  const std::uint32_t ordinal = same > 1 ? object : 0;
  for (std::uint32_t n = 0; n < nodes_.size(); ++n) {
    const Node& x = nodes_[n];
    if (x.execution == execution && x.ordinal == ordinal && x.name == info.name && x.created == info.created) {
      return local = n;
    }
  }
  nodes_.push_back(Node{info.name, info.created, execution, ordinal, exec.object_name(ObjectId{object})});
  return local = static_cast<std::uint32_t>(nodes_.size() - 1);
}

std::uint32_t LockGraph::thread_of(const sim::Execution& exec, std::uint32_t t) {
  std::uint32_t& local = local_threads_[t];
  if (local != none) return local;
  const sim::TaskInfo& info = exec.task_info(TaskId{t});
  std::uint32_t ordinal = 0;
  for (std::uint32_t u = 0; u < t; ++u) {
    const sim::TaskInfo& other = exec.task_info(TaskId{u});
    if (other.name == info.name && other.spawned_at == info.spawned_at) ++ordinal;
  }
  for (std::uint32_t n = 0; n < threads_.size(); ++n) {
    const Thread& x = threads_[n];
    if (x.ordinal == ordinal && x.name == info.name && x.spawned_at == info.spawned_at) return local = n;
  }
  threads_.push_back(Thread{info.name, info.spawned_at, ordinal});
  return local = static_cast<std::uint32_t>(threads_.size() - 1);
}

bool LockGraph::Edge::operator==(const Edge& o) const {
  return from == o.from && to == o.to && thread == o.thread && from_at == o.from_at && to_at == o.to_at &&
         lockset == o.lockset && forks == o.forks;
}

std::vector<std::uint32_t> LockGraph::merge(const sim::Execution& exec) {
  std::vector<std::uint32_t> added;
  // Fork/join clocks, replayed from the spawns and joins up to each edge (edges are in order).
  std::vector<sim::VectorClock> clocks(exec.task_count());
  clocks[0].set(0, 1);
  std::size_t applied = 0;
  for (const LocalEdge& l : local_) {
    for (; applied < l.at; ++applied) {
      const Fork& f = forks_[applied];
      if (f.join) {
        clocks[f.task].join(clocks[f.peer]);
      } else {
        clocks[f.peer].assign(clocks[f.task]);
        clocks[f.peer].set(f.peer, 1);
        clocks[f.task].tick(f.task);
      }
    }
    const sim::VectorClock& forks = clocks[l.task];
    Edge e{node_of(exec, l.from), node_of(exec, l.to), thread_of(exec, l.task), l.from_at, l.to_at, {}, {}, executions_};
    for (std::uint32_t o : l.lockset) e.lockset.push_back(node_of(exec, o));
    std::sort(e.lockset.begin(), e.lockset.end());
    for (std::uint32_t u = 0; u < forks.size(); ++u) {
      if (forks.get(u) > 0) e.forks.emplace_back(thread_of(exec, u), forks.get(u));
    }
    std::sort(e.forks.begin(), e.forks.end());
    if (std::find(edges_.begin(), edges_.end(), e) != edges_.end()) continue;
    edges_.push_back(std::move(e));
    added.push_back(static_cast<std::uint32_t>(edges_.size() - 1));
  }
  return added;
}

void LockGraph::note_deadlock(const sim::Execution& exec) {
  // Who waits for whom: a task whose last announced operation is a lock waits for the holder.
  // (A task that finished after taking that lock holds nothing, so nobody waits for it and it
  // cannot be on a cycle.)
  std::vector<std::uint32_t> waits_for(tasks_used_, none);
  for (std::uint32_t i = 0; i < tasks_used_; ++i) {
    const sim::Op& op = exec.pending(TaskId{i});
    if (op.kind != OpKind::Lock) continue;
    for (std::uint32_t j = 0; j < tasks_used_; ++j) {
      for (const Held& h : tasks_[j].held) {
        if (h.object == sim::index(op.object) && j != i) waits_for[i] = j;
      }
    }
  }
  for (std::uint32_t start = 0; start < tasks_used_; ++start) {
    // Walk at most tasks_used_ steps: past that the walk is inside a cycle.
    std::uint32_t at = start;
    for (std::size_t n = 0; n < tasks_used_ && at != none; ++n) at = waits_for[at];
    if (at == none) continue;
    Deadlocked d{executions_, {}};
    std::uint32_t t = at;
    do {
      d.nodes.push_back(node_of(exec, sim::index(exec.pending(TaskId{t}).object)));
      t = waits_for[t];
    } while (t != at);
    std::sort(d.nodes.begin(), d.nodes.end());
    deadlocks_.push_back(std::move(d));
    return;
  }
}

void LockGraph::reconcile(sim::Report& report) const {
  for (const Deadlocked& d : deadlocks_) {
    auto cycle = std::find_if(cycles_.begin(), cycles_.end(), [&](const Cycle& c) { return c.nodes == d.nodes; });
    if (cycle == cycles_.end()) continue;
    auto deadlock = std::find_if(report.failures.begin(), report.failures.end(), [&](const sim::Failure& f) {
      return f.kind == sim::FailureKind::Deadlock && f.execution == d.execution;
    });
    if (deadlock == report.failures.end()) continue;
    deadlock->notes.push_back("the lock order predicted this deadlock too (" + path_text(*cycle) + ")");
    if (!cycle->reported) continue;
    std::erase_if(report.failures, [&](const sim::Failure& f) {
      return f.kind == sim::FailureKind::PotentialDeadlock && f.where == cycle->where && f.other == cycle->other;
    });
  }
}

}  // namespace checker
