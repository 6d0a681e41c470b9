// ReplayStrategy: follows a recorded schedule choice by choice, and says where it stops fitting.
#pragma once

#include <cstddef>
#include <string>

#include "sim/core/schedule.hpp"
#include "sim/core/strategy.hpp"

namespace sim {

class ReplayStrategy final : public Strategy {
 public:
  explicit ReplayStrategy(Schedule schedule) : schedule_(std::move(schedule)) {}

  bool begin_execution() override;
  TaskId next_task(std::span<const TaskId> runnable, TaskId current) override;
  std::uint32_t next_value(std::uint32_t bound) override;
  void end_execution() override;
  std::string describe() const override { return "replay"; }

  // Empty while the execution followed the schedule exactly.
  const std::string& divergence() const { return divergence_; }

 private:
  void diverge(std::string what);
  void check_fingerprint();

  Schedule schedule_;
  std::size_t at_ = 0;
  bool started_ = false;
  std::string divergence_;
};

}  // namespace sim
