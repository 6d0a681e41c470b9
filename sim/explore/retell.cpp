// Retell: the recorded re-run, and the checks that a finding came back the same.
#include "sim/explore/retell.hpp"

#include <algorithm>

#include "sim/core/execution.hpp"
#include "sim/core/history.hpp"
#include "sim/explore/replay_strategy.hpp"

namespace sim {

Retold retell(Execution& exec, const std::function<void()>& body, const Schedule& schedule, std::size_t history_steps,
              std::span<Observer* const> also) {
  ReplayStrategy replay(schedule);
  HistoryRecorder recorder(history_steps);
  std::vector<Observer*> observers{&recorder};
  observers.insert(observers.end(), also.begin(), also.end());
  replay.begin_execution();
  Retold out;
  out.failure = exec.run(body, replay, observers);
  replay.end_execution();
  out.history = recorder.take();
  out.schedule = exec.schedule_so_far();
  out.divergence = replay.divergence();
  return out;
}

std::string nondeterminism_note(const std::string& how) {
  return how +
         " (the body is nondeterministic: it depends on something the schedule does not control, such as time, "
         "randomness, addresses or state kept between executions)";
}

namespace {
// An endless loop is told by its tail: the last steps show what repeats.
constexpr std::size_t endless_tail = 60;
}  // namespace

Report replay_report(Retold told, const Schedule& asked, std::vector<Failure> findings) {
  Report report;
  report.executions = 1;
  report.strategy = "replay";
  auto add = [&](Failure f, History history, const Schedule& schedule) {
    if (f.kind == FailureKind::StepLimit) {
      history.keep_last(endless_tail);
      for (std::string& line : describe_repetition(history)) f.details.push_back(std::move(line));
    }
    f.schedule = schedule;
    f.token = schedule.encode();
    f.execution = 1;
    f.found_by = "replay";
    f.history = std::move(history);
    report.failures.push_back(std::move(f));
  };
  if (told.failure) add(std::move(*told.failure), told.history, told.schedule);
  for (Failure& f : findings) add(std::move(f), told.history, told.schedule);
  if (!told.divergence.empty()) {
    Failure d;
    d.kind = FailureKind::ReplayDivergence;
    d.message = told.divergence;
    add(std::move(d), std::move(told.history), asked);
  }
  return report;
}

void tell(Execution& exec, const std::function<void()>& body, Failure& f) {
  f.token = f.schedule.encode();
  const std::size_t steps = exec.limits().history_steps;
  Retold again = retell(exec, body, f.schedule, f.kind == FailureKind::StepLimit ? std::min(endless_tail, steps) : steps);
  f.history = std::move(again.history);
  if (f.kind == FailureKind::StepLimit) {
    for (std::string& line : describe_repetition(f.history)) f.details.push_back(std::move(line));
  }
  const Failure* g = again.failure ? &*again.failure : nullptr;
  if (!again.divergence.empty()) {
    f.nondeterministic = true;
    f.replay_note = nondeterminism_note(again.divergence);
  } else if (is_fatal(f.kind) && (g == nullptr || g->kind != f.kind || !(g->where == f.where) || g->message != f.message)) {
    f.nondeterministic = true;
    f.replay_note = nondeterminism_note(g != nullptr ? "the replay ended with a different finding: " +
                                                           std::string(to_string(g->kind)) + ": " + g->message
                                                     : std::string("the replay ended without the failure"));
  }
}

}  // namespace sim
