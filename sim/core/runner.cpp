// Runner: the exploration loop, budgets, and re-running each finding from its token.
#include "sim/core/runner.hpp"

#include <algorithm>
#include <chrono>
#include <optional>

#include "sim/core/history.hpp"
#include "sim/core/observer.hpp"
#include "sim/explore/replay_strategy.hpp"
#include "sim/core/strategy.hpp"
#include "sim/core/watchdog.hpp"

namespace sim {

namespace {
using Clock = std::chrono::steady_clock;
double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }
}  // namespace

Runner::Runner(RunOptions options) : options_(options), exec_(options.limits) {}

namespace {

// The loop's bookkeeping, shared by the thread's own stack and the fiber that ended a clean
// execution (Continuation): counting, budgets, and whether the next execution starts.
struct Loop final : Continuation {
  Loop(const RunOptions& options, Strategy& strategy, std::span<Observer* const> observers, Report& report)
      : options(options), strategy(strategy), observers(observers), report(report), start(Clock::now()) {}

  bool may_start() {
    if (started >= options.iterations) return false;
    if ((started & 63) == 0) {
      if (options.time_limit > 0 && since(start) >= options.time_limit) return false;
      if (options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed)) {
        report.interrupted = true;
        return false;
      }
    }
    if (!strategy.begin_execution()) {
      report.complete = strategy.complete();
      return false;
    }
    ++started;
    return true;
  }
  void count() {
    ++report.executions;
    for (Observer* o : observers) o->take_findings(found);
  }
  // A clean execution ended: when it left no finding either, the next starts at once.
  bool again() override {
    count();
    if (!found.empty()) {
      counted = true;
      return false;
    }
    strategy.end_execution();
    return may_start();
  }

  const RunOptions& options;
  Strategy& strategy;
  std::span<Observer* const> observers;
  Report& report;
  Clock::time_point start;
  std::uint64_t started = 0;
  std::vector<Failure> found;
  bool counted = false;  // the last execution was counted by again(), its findings wait in `found`
};

}  // namespace

Report Runner::run(const std::function<void()>& body, Strategy& strategy, std::span<Observer* const> observers) {
  const Watchdog watchdog(options_.time_limit);  // a task stuck between steps past the budget
  Report report;
  Loop loop(options_, strategy, observers, report);
  for (bool more = loop.may_start(); more; more = loop.may_start()) {
    loop.counted = false;
    std::optional<Failure> failure = exec_.run(body, strategy, observers, &loop);
    // No finding and not counted here: again() saw the end of the budget or of the search.
    if (!failure && !loop.counted) break;
    if (!loop.counted) loop.count();
    if (failure) {
      failure->schedule = exec_.schedule_so_far();
      loop.found.insert(loop.found.begin(), std::move(*failure));
    }
    const std::string by = strategy.describe();
    strategy.end_execution();
    bool stop = false;
    for (Failure& f : loop.found) {
      f.execution = report.executions;
      f.found_by = by;
      stop = stop || (is_fatal(f.kind) && options_.on_failure == OnFailure::Stop);
      add(report, std::move(f), body);
    }
    loop.found.clear();
    if (stop) break;
  }
  report.strategy = strategy.describe();
  report.seconds = since(loop.start);
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
  HistoryRecorder recorder(f.kind == FailureKind::StepLimit ? std::min(endless_tail, options_.limits.history_steps)
                                                            : options_.limits.history_steps);
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
  HistoryRecorder recorder(options_.limits.history_steps);
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
