// Story: renders failures as a numbered history and as one column per task.
#include "checker/story.hpp"

#include <fmt/format.h>

#include "sim/core/op_traits.hpp"

#include <algorithm>
#include <vector>

namespace checker {

using sim::History;
using sim::HistoryStep;
using sim::OpKind;

namespace {
// "read x → 1", "store y ← 2"; without the arrow when nobody could tell the value (an unmodified
// program's store of a struct, say).
std::string access_text(const char* verb, const char* arrow, const std::string& object, const std::string& value) {
  return value.empty() ? fmt::format("{} {}", verb, object) : fmt::format("{} {} {} {}", verb, object, arrow, value);
}
}  // namespace

std::string action(const History& h, const HistoryStep& s) {
  const std::string object = h.object_name(s.object);
  using sim::OpRole;
  const sim::OpTraits& t = sim::traits(s.kind);
  switch (t.role) {
    case OpRole::Read: return access_text("read", "→", object, s.value);
    case OpRole::AtomicLoad: return access_text("load", "→", object, s.value);
    case OpRole::Write: return access_text("write", "←", object, s.value);
    case OpRole::AtomicStore: return access_text("store", "←", object, s.value);
    case OpRole::AtomicRmw: return fmt::format("update {} ⇒ {}", object, s.value);
    case OpRole::Spawn: return "spawn " + h.task_name(s.peer);
    case OpRole::Join: return "join " + h.task_name(s.peer);
    case OpRole::TryLock: return fmt::format("{} {} ({})", t.name, object, s.flag ? "took it" : "busy");
    case OpRole::Wait: return fmt::format("wait {} (releases the mutex{})", object, s.flag ? "; wakes spuriously" : "");
    case OpRole::Wake:
      if (s.flag) return fmt::format("wake from {} (spurious)", object);
      return s.peer == sim::no_task ? fmt::format("wake from {}", object)
                                    : fmt::format("wake from {} (notified by {})", object, h.task_name(s.peer));
    case OpRole::Notify:
      return s.peer == sim::no_task ? fmt::format("{} {} (nobody waits)", t.name, object)
                                    : fmt::format("{} {} → {}", t.name, object, h.task_name(s.peer));
    case OpRole::Yield:
    case OpRole::Finish:
    case OpRole::Start:
    case OpRole::Sleep:
      return std::string(t.name);
    case OpRole::Lock:
    case OpRole::Unlock:
    case OpRole::NotifyAll:
    case OpRole::Print:
    case OpRole::Sync:
      return fmt::format("{} {}", t.name, object);
  }
  return std::string(t.name);
}

const HistoryStep* step_at(const History& h, sim::StepIndex step) {
  auto at = std::lower_bound(h.steps.begin(), h.steps.end(), sim::index(step),
                             [](const HistoryStep& s, std::uint32_t n) { return sim::index(s.step) < n; });
  return at != h.steps.end() && at->step == step ? &*at : nullptr;
}

void fill_access_values(sim::Failure& f) {
  for (sim::Access& a : f.accesses) {
    const HistoryStep* s = step_at(f.history, a.step);
    if (a.value.empty() && s != nullptr && s->task == a.task) a.value = s->value;
  }
}

namespace {

// "earlier: step 7  alice  write balance ← 20  at bank.cpp:13"
void accesses(std::string& out, const sim::Failure& f) {
  static constexpr const char* labels[] = {"earlier", "later"};
  std::size_t name_width = 0;
  for (const sim::Access& a : f.accesses) name_width = std::max(name_width, a.task_name.size());
  for (std::size_t i = 0; i < f.accesses.size() && i < 2; ++i) {
    const sim::Access& a = f.accesses[i];
    const HistoryStep* s = step_at(f.history, a.step);
    std::string what = s != nullptr && s->task == a.task ? action(f.history, *s) : std::string(to_string(a.kind));
    out += fmt::format("  {:<8} step {}  {:<{}}  {}  at {}\n", std::string(labels[i]) + ":", sim::index(a.step), a.task_name,
                       name_width, what, sim::describe(a.where));
  }
}

// "shrunk: 14 steps, 5 preemptions → 9 steps, 1 preemption (first found as v1....)"
void shrink_line(std::string& out, const sim::Failure& f) {
  auto size = [](const sim::ScheduleSize& s) {
    return fmt::format("{} step{}, {} preemption{}", s.steps, s.steps == 1 ? "" : "s", s.preemptions,
                       s.preemptions == 1 ? "" : "s");
  };
  if (f.minimized) {
    out += fmt::format("  shrunk: {} → {} (first found as {})\n", size(f.original), size(f.minimal), f.original_token);
  } else if (f.original.steps > 0) {
    out += fmt::format("  shrunk: no smaller schedule shows it ({})\n", size(f.original));
  }
}

void history_table(std::string& out, const History& h, std::uint64_t cycle_from) {
  std::size_t name_width = 4;
  std::size_t action_width = 9;
  std::vector<std::string> actions;
  for (const HistoryStep& s : h.steps) {
    name_width = std::max(name_width, h.task_name(s.task).size());
    actions.push_back(action(h, s));
    action_width = std::max(action_width, actions.back().size());
  }
  action_width = std::min<std::size_t>(action_width, 48);
  if (h.dropped > 0) {
    out += fmt::format("  ... {} earlier steps not kept (the limit is ExecutionLimits::history_steps, --history-steps in interleave) ...\n",
                       h.dropped);
  }
  out += fmt::format("  {:>5}  {:<{}}  {:<{}}  {}\n", "step", "task", name_width, "operation", action_width, "where");
  for (std::size_t i = 0; i < h.steps.size(); ++i) {
    const HistoryStep& s = h.steps[i];
    if (cycle_from != 0 && sim::index(s.step) == cycle_from) {
      out += "  ↻ the cycle: from here on the steps lead back to the state before this one, and can repeat forever\n";
    }
    std::string where = s.kind == OpKind::Finish ? std::string() : to_string(s.where);
    std::string note;
    if (s.preempted && i > 0) note = "   ← preempts " + h.task_name(h.steps[i - 1].task);
    std::string line = fmt::format("  {:>5}  {:<{}}  {:<{}}  {}{}", sim::index(s.step), h.task_name(s.task), name_width,
                                   actions[i], action_width, where, note);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
}

// One column per task, like the per-thread tables of JVM tools: read down a column to follow a task.
void task_columns(std::string& out, const History& h) {
  const std::size_t n = h.tasks.size();
  if (n == 0) return;
  std::vector<std::size_t> width(n, 0);
  for (std::size_t t = 0; t < n; ++t) width[t] = std::max<std::size_t>(h.tasks[t].name.size(), 4);
  std::vector<std::string> actions;
  for (std::size_t i = 0; i < h.steps.size(); ++i) {
    const HistoryStep& s = h.steps[i];
    // A preemption is marked in the column of the task that takes over.
    actions.push_back((s.preempted && i > 0 ? "» " : "") + action(h, s));
    std::size_t& w = width[sim::index(s.task)];
    w = std::min<std::size_t>(std::max(w, actions.back().size()), 30);
  }
  auto cell = [](const std::string& text, std::size_t w) {
    std::string c = text.size() > w ? text.substr(0, w - 1) + "…" : text;
    return fmt::format("{:<{}}", c, w);
  };
  std::string line = fmt::format("  {:>5}", "step");
  for (std::size_t t = 0; t < n; ++t) line += " | " + cell(h.tasks[t].name, width[t]);
  while (!line.empty() && line.back() == ' ') line.pop_back();
  out += line + "\n";
  for (std::size_t i = 0; i < h.steps.size(); ++i) {
    const HistoryStep& s = h.steps[i];
    line = fmt::format("  {:>5}", sim::index(s.step));
    for (std::size_t t = 0; t < n; ++t) line += " | " + cell(t == sim::index(s.task) ? actions[i] : "", width[t]);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
}

}  // namespace

std::string story(const sim::Failure& f, const TextOptions& options) {
  std::string out = fmt::format("{}: {}\n", to_string(f.kind), f.message);
  for (const std::string& d : f.details) out += "  - " + d + "\n";
  accesses(out, f);
  for (const std::string& n : f.notes) out += "  note:   " + n + "\n";
  if (!f.task_name.empty()) out += fmt::format("  where:  {} (task {})\n", to_string(f.where), f.task_name);
  if (!f.found_by.empty()) out += fmt::format("  found:  execution {} ({})\n", f.execution, f.found_by);
  out += fmt::format("  token:  {}\n", f.token);
  shrink_line(out, f);
  if (!options.replay_hint.empty()) {
    std::string hint = options.replay_hint;
    if (auto at = hint.find("{token}"); at != std::string::npos) hint.replace(at, 7, f.token);
    out += fmt::format("  replay: {}\n", hint);
  }
  if (f.nondeterministic) out += fmt::format("  warning: this token may not replay: {}\n", f.replay_note);
  const std::size_t preemptions = f.history.dropped_preemptions + static_cast<std::size_t>(std::count_if(
      f.history.steps.begin(), f.history.steps.end(), [](const HistoryStep& s) { return s.preempted; }));
  out += fmt::format("\nHistory ({} steps, {} preemption{}):\n", f.history.steps.size() + f.history.dropped,
                     preemptions, preemptions == 1 ? "" : "s");
  history_table(out, f.history, f.cycle_from);
  const std::size_t tasks = f.history.tasks.size();
  if (options.table_tasks != 0 && tasks > options.table_tasks) {
    out += fmt::format("\nBy task: left out ({} tasks, more than {}; --full-table in interleave, TextOptions::table_tasks = 0 in C++, prints it)\n", tasks, options.table_tasks);
    return out;
  }
  out += "\nBy task:\n";
  task_columns(out, f.history);
  return out;
}

std::string summary(const sim::Report& r, const TextOptions& options) {
  std::string kinds;
  for (const sim::Failure& f : r.failures) {
    if (!kinds.empty()) kinds += ", ";
    kinds += to_string(f.kind);
  }
  std::string out = r.ok() ? "interleave: no failure" : fmt::format("interleave: {} failure{} ({})", r.failures.size(), r.failures.size() == 1 ? "" : "s", kinds);
  out += fmt::format(" in {} execution{}", r.executions, r.executions == 1 ? "" : "s");
  if (options.timing) out += fmt::format(", {:.3f} s", r.seconds);
  out += fmt::format(" [{}]", r.strategy);
  if (r.complete) out += " — search complete";
  if (r.interrupted) out += " — interrupted";
  if (r.time_limit_reached) out += " — time limit reached";
  return out + "\n";
}

std::string gap_lines(const sim::Report& r, std::string_view indent) {
  const auto sampled = [](const sim::Gap& g) { return g.kind == sim::GapKind::Sampled; };
  if (std::any_of(r.incomplete.begin(), r.incomplete.end(), sampled)) return {};
  std::string out;
  for (const sim::Gap& g : r.incomplete) out += fmt::format("{}not complete: {}\n", indent, sim::to_text(g));
  return out;
}

std::string render(const sim::Report& r, const TextOptions& options) {
  std::string out = summary(r, options) + gap_lines(r);
  for (const sim::Failure& f : r.failures) out += "\n" + story(f, options);
  return out;
}

}  // namespace checker
