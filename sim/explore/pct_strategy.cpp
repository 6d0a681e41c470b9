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
  change_points_.clear();
  next_change_ = 0;
  const std::uint32_t k = estimate_->at(index);
  if (k > 0) {
    for (std::uint32_t i = 1; i < depth_; ++i) change_points_.push_back(1 + rng_.below(k));
    std::sort(change_points_.begin(), change_points_.end());
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

void PctStrategy::lower(TaskId t) {
  auto it = std::find(order_.begin(), order_.end(), t);
  if (static_cast<std::uint32_t>(it - order_.begin()) < unlowered_) --unlowered_;
  order_.erase(it);
  // Below every initial priority, above the tasks lowered at earlier change points.
  order_.insert(order_.begin() + unlowered_, t);
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
  while (next_change_ < change_points_.size() && change_points_[next_change_] == steps_) {
    lower(highest(runnable));
    ++next_change_;
  }
  return highest(runnable);
}

std::string PctStrategy::describe() const {
  return "pct depth=" + std::to_string(depth_) + " seed=" + std::to_string(seed_) +
         " execution=" + std::to_string(index_ + 1);
}

}  // namespace sim
