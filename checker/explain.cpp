// Explain: lock handoffs, the wait-for cycle and a race's steps, read from a failure's history.
#include "checker/explain.hpp"

#include <algorithm>

#include "checker/story.hpp"

namespace checker {

using sim::OpKind;

namespace {

bool acquires(const sim::HistoryStep& s) {
  if (s.kind == OpKind::TryLock || s.kind == OpKind::TryLockShared) return s.flag;  // only a try that took it
  return s.kind == OpKind::Lock || s.kind == OpKind::LockShared;
}

bool releases(const sim::HistoryStep& s) { return s.kind == OpKind::Unlock || s.kind == OpKind::UnlockShared; }

}  // namespace

std::vector<Handoff> lock_handoffs(const sim::History& h) {
  // Per object, the Unlock that was the last thing done to it. A condition variable's wait
  // releases its mutex without an Unlock step; the Lock in between then clears the slot, so a
  // later Lock is not drawn as taken from an earlier, unrelated Unlock.
  std::vector<const sim::HistoryStep*> last_release(h.objects.size(), nullptr);
  std::vector<Handoff> out;
  for (const sim::HistoryStep& s : h.steps) {
    if (s.object == sim::no_object || sim::index(s.object) >= last_release.size()) continue;
    const sim::HistoryStep*& last = last_release[sim::index(s.object)];
    if (releases(s)) {
      last = &s;
    } else if (acquires(s)) {
      if (last != nullptr && last->task != s.task) out.push_back({s.object, last->step, s.step, last->task, s.task});
      last = nullptr;
    }
  }
  return out;
}

bool WaitGraph::in_cycle(sim::TaskId task) const { return std::find(cycle.begin(), cycle.end(), task) != cycle.end(); }

WaitGraph wait_graph(const sim::Failure& f) {
  WaitGraph g;
  g.edges = f.blocked;
  auto next = [&](sim::TaskId t) {
    for (const sim::Blocked& b : g.edges) {
      if (b.task == t) return b.holder;
    }
    return sim::no_task;
  };
  // Follow each task's waits-for chain; the first task met twice lies on a cycle. Starting from
  // each edge in order keeps the cycle (and where it starts) the same for the same failure.
  for (const sim::Blocked& start : g.edges) {
    std::vector<sim::TaskId> path;
    sim::TaskId t = start.task;
    while (t != sim::no_task && std::find(path.begin(), path.end(), t) == path.end()) {
      path.push_back(t);
      t = next(t);
    }
    if (t == sim::no_task) continue;
    g.cycle.assign(std::find(path.begin(), path.end(), t), path.end());
    // Start the cycle at its lowest task, so that every starting edge gives the same list.
    std::rotate(g.cycle.begin(), std::min_element(g.cycle.begin(), g.cycle.end()), g.cycle.end());
    break;
  }
  return g;
}

std::optional<RacePair> race_pair(const sim::Failure& f) {
  if (f.accesses.size() < 2) return std::nullopt;
  const sim::HistoryStep* a = step_at(f.history, f.accesses[0].step);
  const sim::HistoryStep* b = step_at(f.history, f.accesses[1].step);
  if (a == nullptr || b == nullptr) return std::nullopt;
  return RacePair{a->step, b->step, b->object};
}

}  // namespace checker
