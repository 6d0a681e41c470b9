// PctStrategy: probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
// "A Randomized Scheduler with Probabilistic Guarantees of Finding Bugs", ASPLOS 2010).
//
// How this works: every task gets a distinct random priority and the highest-priority
// runnable task always runs. Before the execution, d-1 change points are drawn uniformly among
// the k steps the execution is expected to take, independently; reaching k_i gives the task
// about to run priority d - i, below every initial priority (d .. d+n-1). The k_i are not
// sorted, so a task lowered later may land below or above one lowered earlier. A bug of depth d - one
// that needs d particular orderings between steps - then shows in one execution with
// probability at least 1/(n k^(d-1)) for n tasks. Here a step is a choice point (two or more
// tasks runnable); a task gets its priority, at a random place among the initial ones, the
// first time it is runnable at a choice point; and k is learnt: the longest execution so far in
// the current block of executions (see sample_block), none for a block's first execution,
// which therefore runs by priorities alone. So execution i depends on the seed, i and the
// executions before it in its block only, and blocks can run anywhere.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/core/rng.hpp"
#include "sim/explore/sliced_strategy.hpp"

namespace sim {

// The expected number of steps of an execution, learnt block by block.
class StepEstimate {
 public:
  std::uint32_t at(std::uint64_t index) {
    if (index / sample_block != block_) {
      block_ = index / sample_block;
      longest_ = 0;
    }
    return longest_;
  }
  void learn(std::uint32_t steps) { longest_ = steps > longest_ ? steps : longest_; }

 private:
  std::uint64_t block_ = ~std::uint64_t{0};
  std::uint32_t longest_ = 0;
};

class PctStrategy final : public IndexedStrategy {
 public:
  // `shared`, if given, is the estimate to learn into (a portfolio shares one among depths).
  PctStrategy(std::uint64_t seed, std::uint32_t depth, StepEstimate* shared = nullptr);

  void start(std::uint64_t index) override;
  TaskId next_task(std::span<const TaskId> runnable, TaskId current) override;
  std::uint32_t next_value(std::uint32_t bound) override { return rng_.below(bound); }
  void end_execution() override { estimate_->learn(steps_); }
  std::string describe() const override;

 private:
  void place(TaskId t);
  void lower(TaskId t, std::uint32_t priority);
  TaskId highest(std::span<const TaskId> runnable) const;

  std::uint64_t seed_;
  std::uint32_t depth_;
  StepEstimate own_;
  StepEstimate* estimate_;
  Rng rng_{0};
  std::uint64_t index_ = 0;
  struct ChangePoint {
    std::uint32_t step;      // k_i
    std::uint32_t priority;  // d - i: what the task running at k_i drops to
  };
  std::vector<ChangePoint> change_points_;  // by step, ascending
  std::size_t next_change_ = 0;
  std::uint32_t steps_ = 0;
  std::vector<TaskId> order_;      // highest priority first; lowered tasks at the end
  std::uint32_t unlowered_ = 0;    // how many of order_ still have their initial priority
  std::vector<std::uint32_t> lowered_;  // the priorities of order_'s lowered tail, descending
  std::vector<bool> placed_;       // by task index
};

}  // namespace sim
