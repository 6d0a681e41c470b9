// Strategy: the seam that decides every choice; it lives across executions and never touches fibers.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sim/core/gap.hpp"
#include "sim/core/ids.hpp"

namespace sim {

class Observer;

class Strategy {
 public:
  virtual ~Strategy() = default;
  // Called before each execution; false means the search is over (budget or space exhausted).
  virtual bool begin_execution() = 0;
  // Pick one of `runnable` (never empty, sorted by id, at least two entries).
  virtual TaskId next_task(std::span<const TaskId> runnable, TaskId current) = 0;
  // Pick a value in [0, bound) for a data choice such as a spurious wake-up; bound >= 2.
  virtual std::uint32_t next_value(std::uint32_t bound) = 0;
  virtual void end_execution() {}
  // True when the strategy has covered its whole space (a proof within its bounds).
  virtual bool complete() const { return false; }
  // Why running this strategy to its end would still not cover every schedule, as far as it
  // knows now (it samples; a replay diverged; DPOR left races unordered). Budgets and stops are
  // the explorer's to add. A strategy whose gaps are empty once it is done is complete().
  virtual std::vector<Gap> gaps() const { return {Gap{GapKind::Sampled, 0, {}}}; }
  // What produced the current execution, e.g. "random seed=1 execution=17".
  virtual std::string describe() const = 0;
  // Stateful searches (state_strategy.hpp): whether prune() is asked at each choice point, just
  // before next_task; prune() true ends the execution there without a finding (the state was
  // explored before; Execution::pruned() says so), and the search goes on with the next.
  virtual bool prunes() const { return false; }
  // Whether atomics follow the memory model (Execution::memory) whatever the observers need: a
  // replay runs them as its token was recorded. Nothing: as the run's checkers make it.
  virtual std::optional<bool> memory_model() const { return std::nullopt; }
  virtual bool prune(std::span<const TaskId> /*runnable*/) { return false; }
  // What the strategy watches of each execution it steers (DPOR learns from the events), or
  // null; whoever runs executions under it hands this to the Execution with the other observers.
  virtual Observer* observer() { return nullptr; }
};

}  // namespace sim
