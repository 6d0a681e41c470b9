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
// the same path, that predicted sleep set and b is exactly that execution, provided that when the
// search gets to b the sleep set is the predicted one and b is unchanged; adopt() checks both.
// The ticket shares b's subtrees instead of copying them: the search copies a level of a wake-up
// tree that is shared before it changes it (wakeup_tree.cpp), so b is unchanged when its subtree
// is the very one the ticket holds (or, after a copy that changed nothing, equal to it).
// The run ahead reverses into its own new nodes the races whose earlier step was chosen below d;
// those chosen at d or above go back with it and are reversed by the search as it adopts the
// run, against those nodes as they are then (a race only ever adds to a node
// above the step that closes it, so doing them at the end instead of on the way changes nothing).
#include "sim/explore/dpor_strategy.hpp"

#include <algorithm>

namespace sim {

bool DporStrategy::plan(Ticket& t, std::span<const BranchKey> out) const {
  if (options_.order != SearchOrder::DepthFirst || options_.split_depth != 0 || done_) return false;
  for (std::size_t d = std::min(stack_.size(), branch_ + 1); d-- > 0;) {
    const Node& n = stack_[d];
    if (n.value || n.full || n.every || n.empty || n.pending.empty()) continue;
    // The branch the node runs now goes to sleep there first: its step as it ran, or as its
    // wake-up steps have it before it runs.
    const StepSig* now = n.ran ? &n.chosen_step : n.has_edge ? &n.edge.step : nullptr;
    if (now == nullptr) continue;
    t.sleep = n.sleep;
    t.sleep.push_back(*now);
    for (std::size_t j = 0; j < n.pending.size(); ++j) {
      const WakeupNode& b = n.pending[j];
      const BranchKey key{n.serial, n.explored + 1 + static_cast<std::uint32_t>(j)};
      const TaskId chosen = task_for(n.runnable, t.sleep, b.step);
      if (chosen != no_task && std::find(out.begin(), out.end(), key) == out.end()) {
        t.key = key;
        t.edge = b;
        t.path.resize(d + 1);
        t.runnable.clear();
        for (std::size_t i = 0; i <= d; ++i) {
          const Node& m = stack_[i];
          t.runnable.insert(t.runnable.end(), m.runnable.begin(), m.runnable.end());
          t.path[i] = Ticket::Choice{.value = m.value, .count = m.count, .tried = m.tried, .first = m.first,
                                     .spurious = m.spurious, .chosen = i == d ? chosen : m.chosen,
                                     .runnable = static_cast<std::uint32_t>(t.runnable.size())};
        }
        return true;
      }
      t.sleep.push_back(b.step);
    }
  }
  return false;
}

void DporStrategy::load(const Ticket& t) {
  stack_.resize(0);
  std::uint32_t from = 0;
  for (const Ticket::Choice& c : t.path) {
    Node& n = stack_.emplace_back();
    n.value = c.value;
    n.count = c.count;
    n.tried = c.tried;
    n.first = c.first;
    n.spurious = c.spurious;
    n.chosen = c.chosen;
    n.runnable.assign(t.runnable.begin() + from, t.runnable.begin() + c.runnable);
    from = c.runnable;
  }
  Node& at = stack_.back();
  at.sleep = t.sleep;
  at.edge = t.edge;
  at.has_edge = true;
  ahead_key_ = t.key;
  replay_ = stack_.size();
  branch_ = replay_ - 1;
  done_ = false;
  ahead_depth_ = static_cast<std::int64_t>(branch_);
  kept_races_.clear();
  // Counted per run: the one that adopts it adds them up (with the first one's detail).
  unreversed_ = 0;
  first_unreversed_.clear();
  ahead_divergences_ = diverged_.count + mispredicted_.count;
  ahead_redundant_ = redundant_;
}

// The nodes change hands by swapping, so each side's storage comes back to be reused. The
// ticket's node still holds the sleep set and branch it was loaded with (a run only reads them).
void DporStrategy::take(Speculated& out) {
  const auto depth = static_cast<std::size_t>(ahead_depth_);
  Node& n = stack_[depth];
  out.key = ahead_key_;
  out.depth = depth;
  std::swap(out.sleep, n.sleep);
  out.edge = std::move(n.edge);
  out.usable = !blocked_ && n.ran && !n.empty && diverged_.count + mispredicted_.count == ahead_divergences_ && redundant_ == ahead_redundant_;
  out.chosen_step = n.chosen_step;
  out.count = stack_.size() - depth - 1;
  if (out.below.size() < out.count) out.below.resize(out.count);
  for (std::size_t i = 0; i < out.count; ++i) std::swap(out.below[i], stack_[depth + 1 + i]);
  std::swap(out.trace, trace_);
  trace_.names().share(out.trace.names());
  std::swap(out.races, kept_races_);
  kept_races_.clear();
  out.unreversed = unreversed_;
  std::swap(out.first_unreversed, first_unreversed_);
  stack_.resize(0);
  ahead_depth_ = -1;
}

bool DporStrategy::adopt(Speculated& s) {
  if (!s.usable || depth_ != 0 || branch_ != s.depth || stack_.size() != s.depth + 1) return false;
  Node& n = stack_[s.depth];
  // The branch is unchanged when its shared subtree still is (an insertion copies it first).
  const bool same = n.has_edge && n.edge.step == s.edge.step &&
                    (n.edge.children == s.edge.children || same_branch(n.edge, s.edge));
  if (n.serial != s.key.serial || n.explored != s.key.explored || !same || n.sleep != s.sleep) return false;
  n.ran = true;
  n.chosen_step = s.chosen_step;
  for (std::size_t i = 0; i < s.count; ++i) {
    stack_.push_swap(s.below[i]).serial = ++serials_;
  }
  std::swap(trace_, s.trace);
  for (const Race& race : s.races) reverse(race);
  if (s.unreversed > 0 && unreversed_ == 0) first_unreversed_ = s.first_unreversed;
  unreversed_ += s.unreversed;
  return true;
}

bool DporStrategy::passed(BranchKey key, std::size_t depth) const {
  return depth >= stack_.size() || stack_[depth].serial != key.serial || stack_[depth].explored > key.explored;
}

}  // namespace sim
