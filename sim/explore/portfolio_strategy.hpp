// PortfolioStrategy: PCT at depths 1..d interleaved with the random walk, the default search.
//
// No single sampler wins everywhere: PCT finds shallow ordering bugs with a known probability,
// the random walk finds bugs that need many small interleavings. Execution i runs member
// i mod (d + 1) with i's own stream, so a failure names the member and index that found it.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/explore/pct_strategy.hpp"
#include "sim/explore/random_strategy.hpp"

namespace sim {

// The random walk, addressed by execution index (execution i is the same as in check_random).
class IndexedRandom final : public IndexedStrategy {
 public:
  explicit IndexedRandom(std::uint64_t seed) : seed_(seed), walk_(seed) {}
  void start(std::uint64_t index) override {
    walk_ = RandomStrategy(seed_, index);
    walk_.begin_execution();
  }
  TaskId next_task(std::span<const TaskId> runnable, TaskId current) override {
    return walk_.next_task(runnable, current);
  }
  std::uint32_t next_value(std::uint32_t bound) override { return walk_.next_value(bound); }
  std::string describe() const override { return walk_.describe(); }
  Strategy& chooser() override { return walk_; }

 private:
  std::uint64_t seed_;
  RandomStrategy walk_;
};

class PortfolioStrategy final : public IndexedStrategy {
 public:
  PortfolioStrategy(std::uint64_t seed, std::uint32_t max_depth);

  void start(std::uint64_t index) override;
  TaskId next_task(std::span<const TaskId> runnable, TaskId current) override {
    return member_->next_task(runnable, current);
  }
  std::uint32_t next_value(std::uint32_t bound) override { return member_->next_value(bound); }
  void end_execution() override { member_->end_execution(); }
  std::string describe() const override { return "portfolio: " + member_->describe(); }
  Strategy& chooser() override { return member_->chooser(); }

 private:
  StepEstimate estimate_;  // shared by the PCT members: all learn from every execution
  std::vector<std::unique_ptr<IndexedStrategy>> members_;
  IndexedStrategy* member_ = nullptr;
};

}  // namespace sim
