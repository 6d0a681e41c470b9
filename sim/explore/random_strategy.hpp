// RandomStrategy: a seeded uniform random walk over scheduling choices.
#pragma once

#include <cstdint>

#include "sim/core/rng.hpp"
#include "sim/core/strategy.hpp"

namespace sim {

class RandomStrategy final : public Strategy {
 public:
  // Execution i (0-based) uses a generator derived from (seed, i) alone, so any execution can
  // be re-created without running the ones before it.
  explicit RandomStrategy(std::uint64_t seed, std::uint64_t first_execution = 0)
      : seed_(seed), next_execution_(first_execution) {}

  bool begin_execution() override;
  TaskId next_task(std::span<const TaskId> runnable, TaskId current) override;
  std::uint32_t next_value(std::uint32_t bound) override;
  std::string describe() const override;

 private:
  std::uint64_t seed_;
  std::uint64_t next_execution_;
  Rng rng_{0};
};

}  // namespace sim
