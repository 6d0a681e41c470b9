// DfsStrategy: the path of choices, replaying it, and moving to the next one.
#include "sim/explore/dfs_strategy.hpp"

#include <algorithm>

#include "sim/core/execution.hpp"
#include "sim/explore/divergence.hpp"

namespace sim {

DfsStrategy::DfsStrategy(DfsOptions options)
    : options_(options),
      bound_(options.bound == Bound::None ? ~0u : options.bounding == Bounding::Iterative ? 0 : options.limit),
      units_(options.split_depth, options.slice) {}

std::uint32_t DfsStrategy::cost(const Node& n, std::uint32_t option) const {
  if (n.value) return 0;
  switch (options_.bound) {
    case Bound::None: return 0;
    case Bound::Preemptions: return option > 0 && n.switch_costs ? 1 : 0;
    case Bound::Delays: return option;  // each task skipped in round-robin order is one delay
  }
  return 0;
}

bool DfsStrategy::begin_execution() {
  if (done_ || diverged_.gave_up()) return false;
  units_.begin(branch_);
  at_unit(units_.unit(), units_.owned());
  depth_ = 0;
  spent_ = 0;
  spurious_used_ = 0;
  return true;
}

DfsStrategy::Node DfsStrategy::task_node(std::span<const TaskId> runnable, TaskId current) const {
  Node n;
  n.spent = spent_;
  const bool current_runnable = std::find(runnable.begin(), runnable.end(), current) != runnable.end();
  n.switch_costs = current_runnable;
  if (options_.bound == Bound::Delays) {
    // Round-robin from the running task (or the first after it, if it cannot go on).
    auto first = std::lower_bound(runnable.begin(), runnable.end(), current);
    if (first == runnable.end()) first = runnable.begin();
    n.order.assign(first, runnable.end());
    n.order.insert(n.order.end(), runnable.begin(), first);
  } else {
    if (current_runnable) n.order.push_back(current);
    for (TaskId t : runnable) {
      if (t != current) n.order.push_back(t);
    }
  }
  n.count = static_cast<std::uint32_t>(n.order.size());
  return n;
}

// Record that the choice at `depth` is taken: its cost, and the spurious wake-ups it spends.
void DfsStrategy::take(std::size_t depth) {
  const Node& n = stack_[depth];
  spent_ = n.spent + cost(n, n.at);
  if (n.spurious && n.at == 1) ++spurious_used_;
}

TaskId DfsStrategy::next_task(std::span<const TaskId> runnable, TaskId current) {
  const std::size_t d = depth_++;
  if (d < replay_) {
    const Node& n = stack_[d];
    const TaskId t = n.order[n.at];
    if (!n.value && n.count == runnable.size() && std::find(runnable.begin(), runnable.end(), t) != runnable.end()) {
      take(d);
      return t;
    }
    // The body did not repeat itself: what lies below this node is unknown; start afresh.
    diverged_.note(n.value ? changed_kind(d, false) : changed_runnable(d, n.order, runnable));
    stack_.resize(d);
    replay_ = d;
  }
  stack_.push_back(task_node(runnable, current));
  take(d);
  return stack_[d].order[0];
}

std::uint32_t DfsStrategy::next_value(std::uint32_t bound) {
  const std::size_t d = depth_++;
  if (d < replay_) {
    const Node& n = stack_[d];
    if (n.value && (n.count == bound || n.count == 1)) {
      take(d);
      return n.at;
    }
    diverged_.note(n.value ? changed_value(d, n.count, bound) : changed_kind(d, true));
    stack_.resize(d);
    replay_ = d;
  }
  Node n;
  n.value = true;
  n.spent = spent_;
  n.count = bound;
  // A wait deciding whether to wake up without a notify: within the per-execution budget only.
  const Execution* e = Execution::current();
  n.spurious = e != nullptr && e->pending(e->current_task()).kind == OpKind::Wait;
  if (n.spurious && spurious_used_ >= options_.spurious) n.count = 1;
  stack_.push_back(n);
  take(d);
  return 0;
}

bool DfsStrategy::backtrack() {
  while (!stack_.empty()) {
    Node& n = stack_.back();
    for (std::uint32_t i = n.at + 1; i < n.count; ++i) {
      if (allowed(n, i)) {
        n.at = i;
        replay_ = stack_.size();
        branch_ = stack_.size() - 1;
        return true;
      }
    }
    stack_.pop_back();
  }
  return false;
}

void DfsStrategy::end_execution() {
  // A unit of another slice was entered only to find the units after it: skip the rest of it.
  if (!units_.owned() && stack_.size() > units_.depth()) stack_.resize(units_.depth());
  if (backtrack()) return;
  if (options_.bound != Bound::None && options_.bounding == Bounding::Iterative && bound_ < options_.limit) {
    ++bound_;  // the tree is walked again, with one more preemption (or delay) allowed
    replay_ = 0;
    branch_ = 0;
    return;
  }
  done_ = true;
}

double DfsStrategy::progress() const {
  double done = 0;
  double weight = 1;
  for (const Node& n : stack_) {
    std::uint32_t before = 0, options = 0;
    for (std::uint32_t i = 0; i < n.count; ++i) {
      if (!allowed(n, i)) continue;
      ++options;
      if (i < n.at) ++before;
    }
    if (options == 0) break;
    done += weight * before / options;
    weight /= options;
  }
  return done;
}

std::string DfsStrategy::describe() const {
  std::string text = "dfs";
  if (options_.bound != Bound::None) {
    text += options_.bound == Bound::Preemptions ? " preemptions<=" : " delays<=";
    text += std::to_string(bound_);
    if (options_.bounding == Bounding::Iterative) text += " (iterative, up to " + std::to_string(options_.limit) + ")";
  }
  return text;
}

}  // namespace sim
