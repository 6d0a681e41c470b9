// Minimizer: shrinks a failing schedule to one with as few preemptions as it can find.
//
// How this works: a schedule is seen as a list of blocks, "task t runs until it has done n
// operations", and a preemption is a block that starts while the task before it could have
// gone on. The minimizer removes preemptions one at a time, as the trace simplification of
// Jalbert & Sen ("A trace simplification technique for effective debugging of concurrent
// programs", FSE 2010) does: let the preempted task go on to its next block, or defer the
// preempting block, or defer the preempted one. Each candidate is run (following the blocks
// where they still fit, and never preempting where they do not) and kept if it shows the same
// failure kind at the same place with fewer preemptions (or as many but fewer blocks). It
// starts by trying no preemption at all. Runs are bounded by a count and by wall time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "sim/core/execution.hpp"
#include "sim/core/failure.hpp"

namespace checker {

struct MinimizeOptions {
  bool enabled = true;
  std::uint32_t max_runs = 1000;  // executions at most, per failure
  double time_limit = 0.5;        // seconds at most, per failure; 0 = no limit
};

// Which failures are worth shrinking: fatal ones and races, found by a body that replays.
bool can_minimize(const sim::Failure& failure);

// Shrinks every failure of `report` that can be (when `options.enabled`), as check_random and
// explore do, then fills each access's value from the failure's story.
void finish_failures(const std::function<void()>& body, sim::Report& report, const MinimizeOptions& options,
                     const sim::ExecutionLimits& limits);

class Minimizer {
 public:
  Minimizer(std::function<void()> body, MinimizeOptions options, sim::ExecutionLimits limits = {});
  ~Minimizer();
  Minimizer(const Minimizer&) = delete;
  Minimizer& operator=(const Minimizer&) = delete;

  // Shrinks `failure` in place: on success its schedule, token, history, message and details
  // are those of the smaller schedule, `original` and `minimal` give both sizes and
  // `original_token` the token first found. Returns whether it found a smaller schedule.
  bool shrink(sim::Failure& failure);
  std::uint32_t runs() const { return runs_; }  // executions used by the last shrink

 private:
  struct Block;
  struct Attempt;
  class Follower;
  using Plan = std::vector<Block>;
  using Values = std::vector<std::vector<std::uint32_t>>;  // each task's data choices, in order

  Attempt run(const sim::Failure& target, Follower& follower);
  // Plans without the preemption at block k.
  static std::vector<Plan> candidates(const Plan& blocks, std::size_t k);
  bool adopt(sim::Failure& failure, sim::ScheduleSize found, Attempt best);

  std::function<void()> body_;
  MinimizeOptions options_;
  std::size_t history_steps_;
  std::unique_ptr<sim::Execution> exec_;
  std::uint32_t runs_ = 0;
};

}  // namespace checker
