// HistoryRecorder: copies each event into a History, keeping a bounded tail.
#include "sim/core/history.hpp"

#include "sim/core/execution.hpp"

namespace sim {

const std::string& History::task_name(TaskId t) const {
  static const std::string unknown = "?";
  return index(t) < tasks.size() ? tasks[index(t)].name : unknown;
}

std::string History::object_name(ObjectId o) const {
  if (o == no_object || index(o) >= objects.size()) return "?";
  const ObjectInfo& info = objects[index(o)];
  if (!info.name.empty()) return info.name;
  return std::string(to_string(info.kind)) + "#" + std::to_string(index(o));
}

namespace {

bool same_action(const HistoryStep& a, const HistoryStep& b) {
  return a.task == b.task && a.kind == b.kind && a.object == b.object && a.where == b.where;
}

}  // namespace

std::vector<std::string> describe_repetition(const History& h) {
  const std::vector<HistoryStep>& steps = h.steps;
  const std::size_t n = steps.size();
  constexpr std::size_t max_period = 64;
  constexpr std::size_t min_repeats = 3;
  for (std::size_t period = 1; period <= max_period && period * min_repeats <= n; ++period) {
    std::size_t run = 0;  // how many trailing steps match the step one period earlier
    while (run + period < n && same_action(steps[n - 1 - run], steps[n - 1 - run - period])) ++run;
    if (run + period < period * min_repeats) continue;
    std::vector<std::string> lines;
    lines.push_back("the last " + std::to_string(run + period) + " steps repeat a cycle of " +
                    std::to_string(period) + (period == 1 ? " step:" : " steps:"));
    for (std::size_t i = n - period; i < n; ++i) {
      const HistoryStep& s = steps[i];
      std::string what = h.task_name(s.task) + ": " + std::string(to_string(s.kind));
      if (s.object != no_object) what += " " + h.object_name(s.object);
      lines.push_back("  " + what + " (" + to_string(s.where) + ")");
    }
    return lines;
  }
  return {};
}

void HistoryRecorder::on_begin(const Execution&) {
  history_ = History{};
}

void HistoryRecorder::on_event(const Execution& exec, const Event& e) {
  // Objects are alive at their first event; copy what is new now.
  while (history_.objects.size() < exec.object_count()) {
    history_.objects.push_back(exec.object_info(ObjectId{static_cast<std::uint32_t>(history_.objects.size())}));
  }
  HistoryStep& s = history_.steps.emplace_back();
  s.step = e.step;
  s.task = e.task;
  s.kind = e.op.kind;
  s.object = e.op.object;
  s.where = e.op.where;
  if (e.value.present()) s.value = e.value.text();
  s.peer = e.peer;
  s.flag = e.flag;
  s.preempted = e.preempted;
  // Dropping in batches of max_steps keeps the cost per step constant and the memory under twice the tail.
  if (history_.steps.size() >= 2 * max_steps_) history_.keep_last(max_steps_);
}

void HistoryRecorder::on_end(const Execution& exec, const Failure*) {
  history_.keep_last(max_steps_);
  copy_names(exec);
}

void History::keep_last(std::size_t n) {
  if (steps.size() <= n) return;
  const std::size_t count = steps.size() - n;
  const auto end = steps.begin() + static_cast<std::ptrdiff_t>(count);
  for (auto it = steps.begin(); it != end; ++it) dropped_preemptions += it->preempted ? 1 : 0;
  steps.erase(steps.begin(), end);
  dropped += count;
}

void HistoryRecorder::copy_names(const Execution& exec) {
  history_.tasks.clear();
  for (std::uint32_t i = 0; i < exec.task_count(); ++i) history_.tasks.push_back(exec.task_info(TaskId{i}));
  while (history_.objects.size() < exec.object_count()) {
    history_.objects.push_back(exec.object_info(ObjectId{static_cast<std::uint32_t>(history_.objects.size())}));
  }
}

}  // namespace sim
