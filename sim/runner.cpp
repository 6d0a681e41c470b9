// Runner: the exploration loop, budgets, and re-running each finding from its token.
#include "sim/runner.hpp"

#include <algorithm>
#include <chrono>
#include <optional>

#include "sim/history.hpp"
#include "sim/observer.hpp"
#include "sim/replay_strategy.hpp"
#include "sim/strategy.hpp"

namespace sim {

namespace {
using Clock = std::chrono::steady_clock;
double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }
}  // namespace

Runner::Runner(RunOptions options) : options_(options), exec_(options.limits) {}

Report Runner::run(const std::function<void()>& body, Strategy& strategy, std::span<Observer* const> observers) {
  const auto start = Clock::now();
  Report report;
  std::vector<Failure> found;
  for (std::uint64_t i = 0; i < options_.iterations; ++i) {
    if ((i & 63) == 0) {
      if (options_.time_limit > 0 && since(start) >= options_.time_limit) break;
      if (options_.cancel != nullptr && options_.cancel->load(std::memory_order_relaxed)) {
        report.interrupted = true;
        break;
      }
    }
    if (!strategy.begin_execution()) {
      report.complete = strategy.complete();
      break;
    }
    std::optional<Failure> failure = exec_.run(body, strategy, observers);
    ++report.executions;
    if (failure) {
      failure->schedule = exec_.schedule_so_far();
      found.push_back(std::move(*failure));
    }
    for (Observer* o : observers) o->take_findings(found);
    const std::string by = found.empty() ? std::string() : strategy.describe();
    strategy.end_execution();
    bool stop = false;
    for (Failure& f : found) {
      f.execution = report.executions;
      f.found_by = by;
      stop = stop || (is_fatal(f.kind) && options_.on_failure == OnFailure::Stop);
      add(report, std::move(f), body);
    }
    found.clear();
    if (stop) break;
  }
  report.strategy = strategy.describe();
  report.seconds = since(start);
  return report;
}

void Runner::add(Report& report, Failure f, const std::function<void()>& body) {
  for (const Failure& known : report.failures) {
    if (known.same_place(f)) return;
  }
  f.token = f.schedule.encode();
  // Re-run the token before reporting it, recording the story on the way.
  ReplayStrategy replay(f.schedule);
  // An endless loop is told by its tail: the last steps show what repeats.
  constexpr std::size_t endless_tail = 60;
  HistoryRecorder recorder(f.kind == FailureKind::StepLimit ? std::min(endless_tail, options_.history_steps)
                                                            : options_.history_steps);
  Observer* observers[] = {&recorder};
  replay.begin_execution();
  std::optional<Failure> again = exec_.run(body, replay, observers);
  replay.end_execution();
  f.history = recorder.take();
  if (f.kind == FailureKind::StepLimit) {
    for (std::string& line : describe_repetition(f.history)) f.details.push_back(std::move(line));
  }
  if (!replay.divergence().empty()) {
    f.nondeterministic = true;
    f.replay_note = replay.divergence();
  } else if (is_fatal(f.kind) && (!again || again->kind != f.kind || !(again->where == f.where) ||
                                  again->message != f.message)) {
    f.nondeterministic = true;
    f.replay_note = again ? "the replay ended with a different finding: " + std::string(to_string(again->kind)) +
                                ": " + again->message
                          : "the replay ended without the failure";
  }
  if (f.nondeterministic) {
    f.replay_note += " (the body is nondeterministic: it depends on something the schedule does not control, such as time, randomness, addresses or state kept between executions)";
  }
  report.failures.push_back(std::move(f));
}

Report Runner::replay(const std::function<void()>& body, const Schedule& schedule) {
  const auto start = Clock::now();
  Report report;
  ReplayStrategy replay(schedule);
  HistoryRecorder recorder(options_.history_steps);
  Observer* observers[] = {&recorder};
  replay.begin_execution();
  std::optional<Failure> failure = exec_.run(body, replay, observers);
  replay.end_execution();
  report.executions = 1;
  report.strategy = "replay";
  if (failure) {
    failure->schedule = schedule;
    failure->token = schedule.encode();
    failure->execution = 1;
    failure->found_by = "replay";
    failure->history = recorder.take();
    report.failures.push_back(std::move(*failure));
  }
  if (!replay.divergence().empty()) {
    Failure d;
    d.kind = FailureKind::ReplayDivergence;
    d.message = replay.divergence();
    d.schedule = schedule;
    d.token = schedule.encode();
    d.execution = 1;
    d.found_by = "replay";
    d.history = report.failures.empty() ? recorder.take() : report.failures.front().history;
    report.failures.push_back(std::move(d));
  }
  report.seconds = since(start);
  return report;
}

}  // namespace sim
