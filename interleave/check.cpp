// The test-side API: wires strategies, the runner, the checkers, minimisation and rendering together.
#include "interleave/interleave.hpp"

#include <memory>
#include <stdexcept>

#include "checker/checkers.hpp"
#include "checker/report_json.hpp"
#include "sim/explore/random_strategy.hpp"
#include "sim/explore/replay_strategy.hpp"

namespace sim {

namespace {

std::span<Observer* const> active(checker::Checkers& checkers, Observer* (&slot)[1]) {
  slot[0] = &checkers;
  return checkers.any() ? std::span<Observer* const>(slot) : std::span<Observer* const>();
}

}  // namespace

Report check_random(const std::function<void()>& body, CheckOptions options) {
  Runner runner(RunOptions{.iterations = options.iterations,
                           .time_limit = options.time_limit,
                           .on_failure = options.on_failure,
                           .limits = options.limits,
                           .cancel = options.cancel});
  RandomStrategy strategy(options.seed);
  checker::Checkers checkers(options.checks);  // one per run: the lock graph spans executions
  Observer* slot[1];
  Report report = runner.run(body, strategy, active(checkers, slot));
  checkers.reconcile(report);
  checker::finish_failures(body, report, options.minimize, options.limits);
  return report;
}

Report replay(const std::function<void()>& body, std::string_view token, ExecutionLimits limits, checker::Checks checks) {
  DecodedSchedule decoded = decode_schedule(token, max_choices_within(limits.max_steps, limits.max_tasks));
  if (!decoded.ok()) throw std::invalid_argument(decoded.error);
  // One execution under the token, watched by the same checkers as exploration, so a race or a
  // predicted deadlock replays too.
  Runner runner(RunOptions{.iterations = 1, .on_failure = OnFailure::Continue, .limits = limits});
  ReplayStrategy strategy(decoded.schedule);
  checker::Checkers checkers(checks);
  Observer* slot[1];
  Report report = runner.run(body, strategy, active(checkers, slot));
  if (!strategy.divergence().empty()) {
    // The runner's own replay says how the token stopped fitting, with the story so far.
    for (Failure& f : runner.replay(body, decoded.schedule).failures) {
      if (f.kind == FailureKind::ReplayDivergence) report.failures.push_back(std::move(f));
    }
  }
  checkers.reconcile(report);
  for (Failure& f : report.failures) checker::fill_access_values(f);
  return report;
}

std::string to_text(const Report& report, const checker::TextOptions& options) {
  return checker::render(report, options);
}

std::string to_json(const Report& report, const checker::JsonOptions& options) {
  return checker::report_json(report, options);
}

}  // namespace sim
