// DporStrategy's speculation: a later branch's first execution, run ahead and adopted.
//
// Why the adopted run is the execution the search would have run. Depth first, the search
// takes branch b, left at node d, after everything before it; the execution that starts b
// replays the choices down to d, follows b's wake-up steps (the first child at each level), and
// then makes the default choices, which depend on d's sleep set. Nothing at or above d changes
// before b is taken except d's sleep set and pending branches: the sleep set then holds what it
// holds now plus the steps of the branches d takes before b (the one it runs now, then its
// pending siblings ahead of b - new branches are only ever appended after those), and b may have
// grown (a later race can add to it; the first child at each level stays). So a run of b from
// the same path, that predicted sleep set and a copy of b is exactly that execution, provided
// that when the search gets to b the sleep set is the predicted one and b is unchanged; adopt()
// checks both. The run ahead reverses into its own new nodes the races whose earlier step was
// chosen below d; those chosen at d or above go back with it and are reversed by the search as
// it adopts the run, against those nodes as they are then (a race only ever adds to a node
// above the step that closes it, so doing them at the end instead of on the way changes nothing).
#include "sim/explore/dpor_strategy.hpp"

#include <algorithm>

namespace sim {

// What replaying a node needs; the rest (sleep sets, wake-up trees) stays with the search.
DporStrategy::Node DporStrategy::copy_for_replay(const Node& n) const {
  Node c;
  c.value = n.value;
  c.count = n.count;
  c.tried = n.tried;
  c.first = n.first;
  c.spurious = n.spurious;
  c.runnable = n.runnable;
  c.chosen = n.chosen;
  return c;
}

std::optional<DporStrategy::Ticket> DporStrategy::plan(std::span<const BranchKey> out) const {
  if (options_.order != SearchOrder::DepthFirst || options_.split_depth != 0 || done_) return std::nullopt;
  for (std::size_t d = std::min(stack_.size(), branch_ + 1); d-- > 0;) {
    const Node& n = stack_[d];
    if (n.value || n.full || n.every || n.empty || n.pending.empty()) continue;
    // The branch the node runs now goes to sleep there first: its step as it ran, or as its
    // wake-up steps have it before it runs.
    const StepSig* now = n.ran ? &n.chosen_step : n.has_edge ? &n.edge.step : nullptr;
    if (now == nullptr) continue;
    std::vector<StepSig> sleep = n.sleep;
    sleep.push_back(*now);
    for (std::size_t j = 0; j < n.pending.size(); ++j) {
      const WakeupNode& b = n.pending[j];
      const std::uint32_t explored = n.explored + 1 + static_cast<std::uint32_t>(j);
      TaskId chosen = no_task;
      for (TaskId t : n.runnable) {
        if (trace_.names().task(t) == b.step.task && !asleep(sleep, t)) {
          chosen = t;
          break;
        }
      }
      const bool given = std::find(out.begin(), out.end(), BranchKey{n.serial, explored}) != out.end();
      if (chosen != no_task && !given) {
        Ticket t{.serial = n.serial, .depth = d, .explored = explored, .path = {}};
        t.path.reserve(d + 1);
        for (std::size_t i = 0; i < d; ++i) t.path.push_back(copy_for_replay(stack_[i]));
        Node& at = t.path.emplace_back(copy_for_replay(n));
        at.chosen = chosen;
        at.sleep = std::move(sleep);
        at.edge = deep_copy(b);
        at.has_edge = true;
        return t;
      }
      sleep.push_back(b.step);
    }
  }
  return std::nullopt;
}

void DporStrategy::load(Ticket ticket) {
  const Node& at = ticket.path.back();
  ahead_.serial = ticket.serial;
  ahead_.depth = ticket.depth;
  ahead_.explored = ticket.explored;
  ahead_.sleep = at.sleep;
  ahead_.edge = deep_copy(at.edge);
  stack_.resize(0);
  for (Node& n : ticket.path) stack_.emplace_back() = std::move(n);
  replay_ = stack_.size();
  branch_ = replay_ - 1;
  done_ = false;
  ahead_depth_ = static_cast<std::int64_t>(branch_);
  kept_races_.clear();
  ahead_unreversed_ = unreversed_;
  ahead_divergences_ = divergences();
  ahead_redundant_ = redundant_;
}

void DporStrategy::take(Speculated& out) {
  Node& n = stack_[ahead_.depth];
  out.serial = ahead_.serial;
  out.depth = ahead_.depth;
  out.explored = ahead_.explored;
  out.sleep = std::move(ahead_.sleep);
  out.edge = std::move(ahead_.edge);
  out.usable = !blocked_ && n.ran && !n.empty && divergences() == ahead_divergences_ && redundant_ == ahead_redundant_;
  out.chosen_step = n.chosen_step;
  out.below.clear();
  for (std::size_t i = ahead_.depth + 1; i < stack_.size(); ++i) out.below.push_back(std::move(stack_[i]));
  std::swap(out.trace, trace_);
  trace_.names().share(out.trace.names());
  out.races = std::move(kept_races_);
  kept_races_.clear();
  out.unreversed = unreversed_ - ahead_unreversed_;
  out.first_unreversed = ahead_unreversed_ == 0 ? first_unreversed_ : std::string();
  stack_.resize(0);
  ahead_depth_ = -1;
}

bool DporStrategy::adopt(Speculated& s) {
  if (!s.usable || depth_ != 0 || branch_ != s.depth || stack_.size() != s.depth + 1) return false;
  Node& n = stack_[s.depth];
  if (n.serial != s.serial || n.explored != s.explored || !n.has_edge || n.sleep != s.sleep || !same_branch(n.edge, s.edge)) {
    return false;
  }
  n.ran = true;
  n.chosen_step = s.chosen_step;
  for (Node& below : s.below) {
    Node& m = stack_.emplace_back();
    m = std::move(below);
    m.serial = ++serials_;
  }
  s.below.clear();
  std::swap(trace_, s.trace);
  for (const Race& race : s.races) reverse(race);
  if (s.unreversed > 0 && unreversed_ == 0) first_unreversed_ = s.first_unreversed;
  unreversed_ += s.unreversed;
  return true;
}

bool DporStrategy::passed(const Speculated& s) const {
  return s.depth >= stack_.size() || stack_[s.depth].serial != s.serial || stack_[s.depth].explored > s.explored;
}

}  // namespace sim
