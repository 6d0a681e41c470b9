// PctStrategy: priorities, change points and the learnt step count.
#include "sim/explore/pct_strategy.hpp"

#include <algorithm>

namespace sim {

PctStrategy::PctStrategy(std::uint64_t seed, std::uint32_t depth, StepEstimate* shared)
    : seed_(seed), depth_(depth < 1 ? 1 : depth), estimate_(shared != nullptr ? shared : &own_) {}

void PctStrategy::start(std::uint64_t index) {
  index_ = index;
  // A stream of its own per depth, so a portfolio's members never mirror each other.
  rng_ = Rng(Rng::mix(Rng::mix(seed_, 0x9C7 + depth_), index));
  steps_ = 0;
  order_.clear();
  unlowered_ = 0;
  placed_.clear();
  lowered_.clear();
  change_points_.clear();
  next_change_ = 0;
  const std::uint32_t k = estimate_->at(index);
  if (k > 0) {
    // k_1..k_{d-1} are drawn independently; reaching k_i sets priority d - i, so the order in
    // which lowered tasks end up depends on i, not on which change point came first (sorting
    // the draws instead would keep every later-lowered task above the earlier ones and lose
    // half of the orders). They are walked in step order, ties in order of i.
    for (std::uint32_t i = 1; i < depth_; ++i) change_points_.push_back({1 + rng_.below(k), depth_ - i});
    std::stable_sort(change_points_.begin(), change_points_.end(),
                     [](const ChangePoint& a, const ChangePoint& b) { return a.step < b.step; });
  }
}

void PctStrategy::place(TaskId t) {
  const std::uint32_t i = index(t);
  if (i >= placed_.size()) placed_.resize(i + 1, false);
  if (placed_[i]) return;
  placed_[i] = true;
  // A random place among the initial priorities: a uniformly random permutation, built as
  // tasks appear.
  const std::uint32_t at = rng_.below(unlowered_ + 1);
  order_.insert(order_.begin() + at, t);
  ++unlowered_;
}

void PctStrategy::lower(TaskId t, std::uint32_t priority) {
  auto it = std::find(order_.begin(), order_.end(), t);
  const auto at = static_cast<std::uint32_t>(it - order_.begin());
  if (at < unlowered_) {
    --unlowered_;
  } else {
    lowered_.erase(lowered_.begin() + (at - unlowered_));  // lowered twice: the last one counts
  }
  order_.erase(it);
  // Below every initial priority, among the lowered tasks by the priority just given.
  std::uint32_t below = 0;
  while (below < lowered_.size() && lowered_[below] > priority) ++below;
  lowered_.insert(lowered_.begin() + below, priority);
  order_.insert(order_.begin() + unlowered_ + below, t);
}

TaskId PctStrategy::highest(std::span<const TaskId> runnable) const {
  for (TaskId t : order_) {
    if (std::find(runnable.begin(), runnable.end(), t) != runnable.end()) return t;
  }
  return runnable.front();  // unreachable: every runnable task is placed
}

TaskId PctStrategy::next_task(std::span<const TaskId> runnable, TaskId) {
  ++steps_;
  for (TaskId t : runnable) place(t);
  while (next_change_ < change_points_.size() && change_points_[next_change_].step == steps_) {
    lower(highest(runnable), change_points_[next_change_].priority);
    ++next_change_;
  }
  return highest(runnable);
}

std::string PctStrategy::describe() const {
  return "pct depth=" + std::to_string(depth_) + " seed=" + std::to_string(seed_) +
         " execution=" + std::to_string(index_ + 1);
}

}  // namespace sim
