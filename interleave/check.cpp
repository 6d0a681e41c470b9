// The test-side API: check_random as the random walk of explore, replay as one told execution, rendering.
#include "interleave/interleave.hpp"

#include <stdexcept>

#include "checker/checkers.hpp"
#include "checker/report_json.hpp"
#include "sim/explore/retell.hpp"

namespace sim {

Report check_random(const std::function<void()>& body, CheckOptions options) {
  return explore(body, ExploreOptions{.strategy = Search::Random,
                                      .iterations = options.iterations,
                                      .time_limit = options.time_limit,
                                      .seed = options.seed,
                                      .on_failure = options.on_failure,
                                      .checks = options.checks,
                                      .minimize = options.minimize,
                                      .limits = options.limits,
                                      .progress = Progress::Off,
                                      .on_interrupt = OnInterrupt::Default,
                                      .cancel = options.cancel});
}

Report replay(const std::function<void()>& body, std::string_view token, ExecutionLimits limits, checker::Checks checks) {
  DecodedSchedule decoded = decode_schedule(token, max_choices_within(limits.max_steps, limits.max_tasks));
  if (!decoded.ok()) throw std::invalid_argument(decoded.error);
  // One execution under the token, watched by the same checkers as exploration, so a race or a
  // predicted deadlock replays too.
  Execution exec(limits);
  checker::Checkers checkers(checks);
  Observer* watching[] = {&checkers};
  Retold told = retell(exec, body, decoded.schedule, limits.history_steps,
                       checkers.any() ? std::span<Observer* const>(watching) : std::span<Observer* const>());
  std::vector<Failure> found;
  checkers.take_findings(found);
  Report report = replay_report(std::move(told), decoded.schedule, std::move(found));
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
