// The test-side API: wires strategies, the runner and rendering together.
#include "interleave/interleave.hpp"

#include <stdexcept>

#include "sim/random_strategy.hpp"

namespace sim {

Report check_random(const std::function<void()>& body, CheckOptions options) {
  Runner runner(RunOptions{.iterations = options.iterations,
                           .time_limit = options.time_limit,
                           .on_failure = options.on_failure,
                           .limits = options.limits});
  RandomStrategy strategy(options.seed);
  return runner.run(body, strategy);
}

Report replay(const std::function<void()>& body, std::string_view token, ExecutionLimits limits) {
  DecodedSchedule decoded = decode_schedule(token);
  if (!decoded.ok()) throw std::invalid_argument(decoded.error);
  Runner runner(RunOptions{.iterations = 1, .limits = limits});
  return runner.replay(body, decoded.schedule);
}

std::string to_text(const Report& report, const checker::TextOptions& options) {
  return checker::render(report, options);
}

}  // namespace sim
