// Runner: many executions of one body under one strategy; verifies and collects the findings.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>

#include "sim/core/execution.hpp"
#include "sim/core/failure.hpp"

namespace sim {

class Observer;
class Strategy;

enum class OnFailure : std::uint8_t {
  Stop,      // end the run at the first fatal finding
  Continue,  // keep exploring; each distinct finding is kept once
};

struct RunOptions {
  std::uint64_t iterations = 1000;  // executions at most
  double time_limit = 0;            // seconds of wall time at most; 0 = no limit
  OnFailure on_failure = OnFailure::Stop;
  ExecutionLimits limits{};
  const std::atomic<bool>* cancel = nullptr;  // set from elsewhere (a signal handler) to stop early
};

class Runner {
 public:
  explicit Runner(RunOptions options = {});

  Report run(const std::function<void()>& body, Strategy& strategy,
             std::span<Observer* const> observers = {});
  // One execution under `schedule`, with its history recorded: shows the failure the schedule
  // leads to, or a ReplayDivergence finding if the body does not follow it.
  Report replay(const std::function<void()>& body, const Schedule& schedule);

 private:
  void add(Report& report, Failure failure, const std::function<void()>& body);

  RunOptions options_;
  Execution exec_;
};

}  // namespace sim
