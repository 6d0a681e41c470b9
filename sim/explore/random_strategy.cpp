// RandomStrategy: per-execution generators derived from the seed.
#include "sim/explore/random_strategy.hpp"

namespace sim {

bool RandomStrategy::begin_execution() {
  rng_ = Rng(Rng::mix(seed_, next_execution_));
  ++next_execution_;
  return true;
}

TaskId RandomStrategy::next_task(std::span<const TaskId> runnable, TaskId) {
  return runnable[rng_.below(static_cast<std::uint32_t>(runnable.size()))];
}

std::uint32_t RandomStrategy::next_value(std::uint32_t bound) { return rng_.below(bound); }

std::string RandomStrategy::describe() const {
  return "random seed=" + std::to_string(seed_) + " execution=" + std::to_string(next_execution_);
}

}  // namespace sim
