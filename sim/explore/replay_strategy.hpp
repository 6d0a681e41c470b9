// ReplayStrategy: follows a recorded schedule choice by choice, and says where it stops fitting.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sim/core/schedule.hpp"
#include "sim/core/strategy.hpp"
#include "sim/explore/cycle_watch.hpp"

namespace sim {

class ReplayStrategy final : public Strategy {
 public:
  explicit ReplayStrategy(Schedule schedule) : schedule_(std::move(schedule)) {}

  bool begin_execution() override;
  TaskId next_task(std::span<const TaskId> runnable, TaskId current) override;
  std::uint32_t next_value(std::uint32_t bound) override;
  void end_execution() override;
  std::string describe() const override { return "replay"; }
  // A token recorded while the strategy kept states (Schedule::states) is replayed keeping them
  // too: the front end runs as it ran, and the replay watches the states it passes through to
  // find a cycle again where the token's choices run out (a stateful search's Livelock).
  bool prunes() const override { return schedule_.states; }
  bool prune(std::span<const TaskId> runnable) override;
  std::optional<bool> memory_model() const override { return !schedule_.sequential; }

  // Empty while the execution followed the schedule exactly.
  const std::string& divergence() const { return divergence_; }

 private:
  void diverge(std::string what);
  TaskId follow(std::span<const TaskId> runnable);
  void check_fingerprint();

  Schedule schedule_;
  std::size_t at_ = 0;
  bool started_ = false;
  std::string divergence_;
  CycleWatch path_;
  std::vector<std::uint64_t> words_;
};

}  // namespace sim
