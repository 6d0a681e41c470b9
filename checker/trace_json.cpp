// trace_json: writes the trace events of one failure, one event per line, in step order.
#include "checker/trace_json.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "checker/explain.hpp"
#include "checker/story.hpp"

namespace checker {

using Json = nlohmann::ordered_json;

namespace {

constexpr int step_us = 10;  // one step on the time axis
constexpr int slice_us = 8;  // a slice, leaving a gap between steps of one task
constexpr int pid = 1;

int tid(sim::TaskId t) { return static_cast<int>(sim::index(t)) + 1; }  // tid 0 reads as "no thread" in some viewers
long long at(sim::StepIndex s) { return static_cast<long long>(sim::index(s)) * step_us; }

class Writer {
 public:
  void add(Json event) {
    out_ += out_.empty() ? "{\"traceEvents\": [\n" : ",\n";
    out_ += event.dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  std::string finish(const Json& metadata) {
    if (out_.empty()) out_ = "{\"traceEvents\": [\n";
    return out_ + "\n],\n\"metadata\": " +
           metadata.dump(-1, ' ', false, Json::error_handler_t::replace) + "}\n";
  }
  // A flow arrow from the slice at (t1, ts1) to the one at (t2, ts2); ts inside both slices.
  void flow(const std::string& name, int id, sim::TaskId t1, long long ts1, sim::TaskId t2, long long ts2) {
    add({{"name", name}, {"cat", "explain"}, {"ph", "s"}, {"id", id}, {"pid", pid}, {"tid", tid(t1)}, {"ts", ts1 + slice_us / 2}});
    add({{"name", name}, {"cat", "explain"}, {"ph", "f"}, {"bp", "e"}, {"id", id}, {"pid", pid}, {"tid", tid(t2)},
         {"ts", ts2 + slice_us / 2}});
  }

 private:
  std::string out_;
};

std::string place_of(sim::Location where) { return where.file == nullptr || where.file[0] == '\0' ? std::string() : to_string(where); }

void tracks(Writer& w, const sim::Failure& f) {
  const sim::History& h = f.history;
  w.add({{"name", "process_name"}, {"ph", "M"}, {"pid", pid}, {"args", {{"name", std::string(to_string(f.kind)) + ": " + f.message}}}});
  for (std::uint32_t i = 0; i < h.tasks.size(); ++i) {
    const sim::TaskId t{i};
    w.add({{"name", "thread_name"}, {"ph", "M"}, {"pid", pid}, {"tid", tid(t)}, {"args", {{"name", h.tasks[i].name}}}});
    w.add({{"name", "thread_sort_index"}, {"ph", "M"}, {"pid", pid}, {"tid", tid(t)}, {"args", {{"sort_index", i}}}});
  }
}

void steps(Writer& w, const sim::History& h) {
  const sim::HistoryStep* previous = nullptr;
  for (const sim::HistoryStep& s : h.steps) {
    Json args{{"step", sim::index(s.step)}, {"text", action(h, s)}};
    if (s.kind != sim::OpKind::Finish && !place_of(s.where).empty()) args["where"] = place_of(s.where);
    if (s.object != sim::no_object) args["object"] = h.object_name(s.object);
    if (!s.value.empty()) args["value"] = s.value;
    if (s.peer != sim::no_task) args["peer"] = h.task_name(s.peer);
    std::string name(to_string(s.kind));
    if (s.object != sim::no_object) name += " " + h.object_name(s.object);
    w.add({{"name", name}, {"cat", "step"}, {"ph", "X"}, {"pid", pid}, {"tid", tid(s.task)}, {"ts", at(s.step)},
           {"dur", slice_us}, {"args", std::move(args)}});
    if (s.preempted && previous != nullptr) {
      w.add({{"name", "preempts " + h.task_name(previous->task)}, {"cat", "preemption"}, {"ph", "i"}, {"s", "t"},
             {"pid", pid}, {"tid", tid(s.task)}, {"ts", at(s.step)}});
    }
    previous = &s;
  }
}

// After the last step: each blocked task's wait, and arrows along the wait-for graph.
void deadlock(Writer& w, const sim::Failure& f, long long end, int& flow_id) {
  const sim::History& h = f.history;
  const WaitGraph g = wait_graph(f);
  for (const sim::Blocked& b : g.edges) {
    // A join waits on a task, not an object.
    const std::string on = b.object != sim::no_object ? h.object_name(b.object) : h.task_name(b.holder);
    Json args{{"on", on}, {"where", place_of(b.where)}, {"in_cycle", g.in_cycle(b.task)}};
    if (b.holder != sim::no_task) args["waits_for"] = h.task_name(b.holder);
    w.add({{"name", "blocked: " + std::string(to_string(b.kind)) + " " + on}, {"cat", "deadlock"},
           {"ph", "X"}, {"pid", pid}, {"tid", tid(b.task)}, {"ts", end}, {"dur", 3 * step_us}, {"args", std::move(args)}});
  }
  for (const sim::Blocked& b : g.edges) {
    // A holder that is not blocked itself (it finished holding the lock) has no wait slice to point at.
    const bool blocked = std::any_of(g.edges.begin(), g.edges.end(), [&](const sim::Blocked& x) { return x.task == b.holder; });
    if (!blocked) continue;
    const std::string name = h.task_name(b.task) + " waits for " + h.task_name(b.holder) +
                             (b.object != sim::no_object ? " (" + h.object_name(b.object) + ")" : std::string(" to finish"));
    w.flow(name, ++flow_id, b.task, end, b.holder, end);
  }
}

Json metadata(const sim::Failure& f, const TraceOptions& options) {
  Json m{{"tool", "interleave"}, {"kind", std::string(to_string(f.kind))}, {"message", f.message}, {"token", f.token},
         {"steps", f.history.steps.size() + f.history.dropped}, {"dropped_steps", f.history.dropped},
         {"time_axis", "one step per 10 us"}};
  if (!options.replay_hint.empty()) {
    std::string hint = options.replay_hint;
    if (auto where = hint.find("{token}"); where != std::string::npos) hint.replace(where, 7, f.token);
    m["replay"] = hint;
  }
  return m;
}

}  // namespace

std::string trace_json(const sim::Failure& f, const TraceOptions& options) {
  const sim::History& h = f.history;
  Writer w;
  tracks(w, f);
  steps(w, h);
  int flow_id = 0;
  if (const std::optional<RacePair> race = race_pair(f)) {
    const sim::HistoryStep& a = *step_at(h, race->earlier);
    const sim::HistoryStep& b = *step_at(h, race->later);
    w.flow("race on " + h.object_name(race->object), ++flow_id, a.task, at(a.step), b.task, at(b.step));
  }
  for (const Handoff& x : lock_handoffs(h)) {
    w.flow(h.object_name(x.object) + " handed from " + h.task_name(x.from) + " to " + h.task_name(x.to), ++flow_id, x.from,
           at(x.released), x.to, at(x.acquired));
  }
  const long long end = h.steps.empty() ? 0 : at(h.steps.back().step) + step_us;
  if (f.kind == sim::FailureKind::Deadlock) deadlock(w, f, end, flow_id);
  if (f.task != sim::no_task) {
    Json args{{"message", f.message}};
    if (!place_of(f.where).empty()) args["where"] = place_of(f.where);
    for (const std::string& d : f.details) args["details"].push_back(d);
    w.add({{"name", std::string(to_string(f.kind))}, {"cat", "failure"}, {"ph", "i"}, {"s", "p"}, {"pid", pid},
           {"tid", tid(f.task)}, {"ts", end}, {"args", std::move(args)}});
  }
  return w.finish(metadata(f, options));
}

}  // namespace checker
