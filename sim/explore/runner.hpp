// Runner: many executions of one body under a strategy the caller built, on the one exploration
// loop (explorer.hpp) with one job.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>

#include "sim/core/execution.hpp"
#include "sim/core/failure.hpp"
#include "sim/explore/explorer.hpp"

namespace sim {

class Observer;
class Strategy;

struct RunOptions {
  std::uint64_t iterations = 1000;  // executions at most
  double time_limit = 0;            // seconds of wall time at most; 0 = no limit
  OnFailure on_failure = OnFailure::Stop;
  ExecutionLimits limits{};
  const std::atomic<bool>* cancel = nullptr;  // set from elsewhere (a signal handler) to stop early
};

class Runner {
 public:
  explicit Runner(RunOptions options = {}) : options_(options) {}

  // What the strategy observes (Strategy::observer()) watches each execution, and so do `observers`.
  Report run(const std::function<void()>& body, Strategy& strategy, std::span<Observer* const> observers = {});

 private:
  RunOptions options_;
};

}  // namespace sim
