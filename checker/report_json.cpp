// report_json: builds the JSON with nlohmann::json, from the same history the story renders.
#include "checker/report_json.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "checker/story.hpp"
#include "sim/core/op_traits.hpp"

namespace checker {

using json = nlohmann::ordered_json;

namespace {

json place(const sim::Location& where) {
  if (where.file == nullptr || where.file[0] == '\0') return nullptr;
  const std::string text = to_string(where);  // "file:line", with ./ and ../ dropped
  return json{{"file", text.substr(0, text.rfind(':'))}, {"line", where.line}};
}

json task_ref(const sim::History& h, sim::TaskId t) {
  if (t == sim::no_task) return nullptr;
  return h.task_name(t);
}

json step_json(const sim::History& h, const sim::HistoryStep& s) {
  json j{{"step", sim::index(s.step)},
         {"task", h.task_name(s.task)},
         {"task_id", sim::index(s.task)},
         {"op", std::string(to_string(s.kind))},
         {"where", s.kind == sim::OpKind::Finish ? json(nullptr) : place(s.where)},
         {"preempted", s.preempted},
         {"text", action(h, s)}};
  if (s.object != sim::no_object) {
    j["object"] = h.object_name(s.object);
    j["object_id"] = sim::index(s.object);
  }
  if (!s.value.empty()) j["value"] = s.value;
  if (s.peer != sim::no_task) j["peer"] = task_ref(h, s.peer);
  const sim::OpRole role = sim::traits(s.kind).role;
  if (role == sim::OpRole::TryLock || role == sim::OpRole::Wait || role == sim::OpRole::Wake) j["flag"] = s.flag;
  return j;
}

json history_json(json& j, const sim::History& h) {
  json steps = json::array();
  for (const sim::HistoryStep& s : h.steps) steps.push_back(step_json(h, s));
  j["steps"] = std::move(steps);
  j["dropped_steps"] = h.dropped;
  j["dropped_preemptions"] = h.dropped_preemptions;
  json tasks = json::array();
  for (std::uint32_t i = 0; i < h.tasks.size(); ++i) {
    const sim::TaskInfo& t = h.tasks[i];
    tasks.push_back({{"id", i}, {"name", t.name}, {"parent", task_ref(h, t.parent)}, {"spawned_at", place(t.spawned_at)}});
  }
  j["tasks"] = std::move(tasks);
  json objects = json::array();
  for (std::uint32_t i = 0; i < h.objects.size(); ++i) {
    const sim::ObjectInfo& o = h.objects[i];
    objects.push_back({{"id", i},
                       {"kind", std::string(to_string(o.kind))},
                       {"name", h.object_name(sim::ObjectId{i})},
                       {"created", place(o.created)}});
  }
  j["objects"] = std::move(objects);
  return j;
}

}  // namespace

json failure_value(const sim::Failure& f) {
  json j{{"kind", std::string(to_string(f.kind))},
         {"message", f.message},
         {"details", f.details},
         {"task", f.task_name},
         {"where", place(f.where)},
         {"execution", f.execution},
         {"found_by", f.found_by},
         {"token", f.token},
         {"nondeterministic", f.nondeterministic}};
  if (!f.notes.empty()) j["notes"] = f.notes;
  if (f.nondeterministic) j["replay_note"] = f.replay_note;
  if (f.cycle_from != 0) j["cycle_from"] = f.cycle_from;
  if (!f.accesses.empty()) {
    j["other"] = place(f.other);
    json accesses = json::array();
    for (const sim::Access& a : f.accesses) {
      const sim::HistoryStep* s = step_at(f.history, a.step);
      const std::string& value = !a.value.empty() || s == nullptr ? a.value : s->value;
      accesses.push_back({{"task", a.task_name},
                          {"kind", std::string(to_string(a.kind))},
                          {"where", place(a.where)},
                          {"step", sim::index(a.step)},
                          {"value", value}});
    }
    j["accesses"] = std::move(accesses);
  }
  if (f.minimized) {
    j["minimized"] = {{"original", {{"steps", f.original.steps}, {"preemptions", f.original.preemptions}, {"token", f.original_token}}},
                      {"minimal", {{"steps", f.minimal.steps}, {"preemptions", f.minimal.preemptions}}}};
  }
  history_json(j, f.history);
  return j;
}

std::string json_text(const json& value, int indent) {
  // Invalid UTF-8 in user strings (names, values) is replaced rather than thrown on.
  return value.dump(indent, ' ', false, json::error_handler_t::replace);
}

std::string failure_json(const sim::Failure& f, const JsonOptions& options) {
  json j{{"version", json_version}};
  j.update(failure_value(f));
  return json_text(j, options.indent);
}

json report_value(const sim::Report& r, const JsonOptions& options) {
  std::string line = summary(r, {.timing = false});  // the time is a member of its own
  if (!line.empty() && line.back() == '\n') line.pop_back();
  json j{{"summary", line},
         {"executions", r.executions},
         {"complete", r.complete},
         {"interrupted", r.interrupted},
         {"time_limit_reached", r.time_limit_reached},
         {"strategy", r.strategy}};
  if (r.states > 0) j["states"] = r.states;
  json gaps = json::array();
  for (const sim::Gap& g : r.incomplete) {
    json gap{{"reason", sim::to_string(g.kind)}, {"count", g.count}};
    if (!g.detail.empty()) gap["detail"] = g.detail;
    gap["message"] = sim::to_text(g);
    gaps.push_back(std::move(gap));
  }
  j["incomplete"] = std::move(gaps);
  // Six decimals, as nlohmann writes the shortest text for that value (0.5, not float noise).
  if (options.timing) j["seconds"] = std::round(r.seconds * 1e6) / 1e6;
  json failures = json::array();
  for (const sim::Failure& f : r.failures) failures.push_back(failure_value(f));
  j["failures"] = std::move(failures);
  return j;
}

std::string report_json(const sim::Report& r, const JsonOptions& options) {
  json j{{"version", json_version}};
  j.update(report_value(r, options));
  return json_text(j, options.indent);
}

}  // namespace checker
