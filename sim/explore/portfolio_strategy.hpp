// PortfolioStrategy: PCT at depths 1..d, the random walk and POS, interleaved: the default search.
//
// No single sampler wins everywhere: PCT finds shallow ordering bugs with a known probability
// (and bugs that need one task to run many steps in a row, which the random walk almost never
// does), the random walk finds bugs that need many small interleavings, POS samples partial
// orders evenly where one order has far fewer interleavings than another. Execution i runs
// member i mod (d + 2) with i's own stream, so a failure names the member and index that found it.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/core/observer.hpp"
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

// POS watches the steps of the executions it steers: the portfolio passes them on to whichever
// member runs the execution, if it watches.
class PortfolioStrategy final : public IndexedStrategy, public Observer {
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
  Observer* observer() override { return this; }

  void on_begin(const Execution& exec) override {
    watching_ = member_->observer();
    if (watching_ != nullptr) watching_->on_begin(exec);
  }
  void on_event(const Execution& exec, const Event& event) override {
    if (watching_ != nullptr) watching_->on_event(exec, event);
  }
  void on_end(const Execution& exec, const Failure* failure) override {
    if (watching_ != nullptr) watching_->on_end(exec, failure);
  }
  bool unchanged_by(const Execution& exec, TaskId task, ObjectId object, OpKind kind) const override {
    return watching_ == nullptr || watching_->unchanged_by(exec, task, object, kind);
  }

 private:
  Observer* watching_ = nullptr;
  StepEstimate estimate_;  // shared by the PCT members: all learn from every execution
  std::vector<std::unique_ptr<IndexedStrategy>> members_;
  IndexedStrategy* member_ = nullptr;
};

}  // namespace sim
