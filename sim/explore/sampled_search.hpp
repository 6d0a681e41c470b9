// SampledSearch: the sampling strategies (random, PCT, portfolio) split by blocks of seeds.
#pragma once

#include <cstdint>
#include <memory>

#include "sim/explore/sliced_strategy.hpp"

namespace sim {

class SampledSearch final : public SlicedStrategy {
 public:
  // Runs the indices below `limit` that `slice` owns, lowest first.
  SampledSearch(std::unique_ptr<IndexedStrategy> member, Slice slice, std::uint64_t limit)
      : member_(std::move(member)), slice_(slice), limit_(limit) {}

  bool begin_execution() override;
  TaskId next_task(std::span<const TaskId> runnable, TaskId current) override {
    return member_->next_task(runnable, current);
  }
  std::uint32_t next_value(std::uint32_t bound) override { return member_->next_value(bound); }
  void end_execution() override { member_->end_execution(); }
  std::string describe() const override { return member_->describe(); }
  Observer* observer() override { return member_->observer(); }
  bool complete() const override { return false; }  // sampling never proves anything

  double progress() const override;
  bool names_execution() const override { return true; }

 private:
  std::unique_ptr<IndexedStrategy> member_;
  Slice slice_;
  std::uint64_t limit_;
  std::uint64_t next_ = 0;   // the lowest index not yet considered
  std::uint64_t index_ = 0;  // the index of the current execution
};

}  // namespace sim
