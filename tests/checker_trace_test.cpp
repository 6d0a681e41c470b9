// Tests the Chrome trace of a failure: parsed back, its tracks, slices, preemptions and flow arrows.
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "checker/explain.hpp"
#include "tests/picture_bodies.hpp"

namespace {

using nlohmann::json;

sim::Failure found(void (*body)(), sim::FailureKind kind) {
  const sim::Report r = sim::check_random(body, {.iterations = 200, .seed = 1, .on_failure = sim::OnFailure::Continue});
  const sim::Failure* f = r.find(kind);
  REQUIRE(f != nullptr);
  return *f;
}

std::vector<json> events(const json& trace, const std::string& ph, const std::string& cat = {}) {
  std::vector<json> out;
  for (const json& e : trace["traceEvents"]) {
    if (e["ph"] == ph && (cat.empty() || e.value("cat", "") == cat)) out.push_back(e);
  }
  return out;
}

// The slice on task `tid` whose time range holds `ts`.
const json* slice_at(const std::vector<json>& slices, int tid, double ts) {
  for (const json& s : slices) {
    if (s["tid"] == tid && s["ts"].get<double>() <= ts && ts < s["ts"].get<double>() + s["dur"].get<double>()) return &s;
  }
  return nullptr;
}

struct Arrow {
  const json* from = nullptr;
  const json* to = nullptr;
};

// Each flow named `name`: the slices its start and its end bind to.
std::vector<Arrow> arrows(const json& trace, const std::string& name) {
  static std::vector<json> slices;
  slices = events(trace, "X");
  std::vector<Arrow> out;
  for (const json& s : events(trace, "s")) {
    if (s["name"] != name) continue;
    for (const json& f : events(trace, "f")) {
      if (f["id"] != s["id"]) continue;
      CHECK(f["bp"] == "e");
      out.push_back({slice_at(slices, s["tid"], s["ts"]), slice_at(slices, f["tid"], f["ts"])});
    }
  }
  return out;
}

int tid_of(const json& trace, const std::string& task) {
  for (const json& m : events(trace, "M")) {
    if (m["name"] == "thread_name" && m["args"]["name"] == task) return m["tid"];
  }
  FAIL("no track named " << task);
  return -1;
}

}  // namespace

TEST_CASE("a race's trace has a track per task, a slice per step with its place and value, and the race as an arrow") {
  const sim::Failure f = found(pictures::bank_race, sim::FailureKind::DataRace);
  const json trace = json::parse(sim::to_trace(f));
  // One named track per task, in task order.
  std::vector<std::string> tracks;
  for (const json& m : events(trace, "M")) {
    if (m["name"] == "thread_name") tracks.push_back(m["args"]["name"]);
  }
  CHECK(tracks == std::vector<std::string>{"main", "alice", "bob"});
  // A slice per step, on its task's track, at its step's time, named by its operation.
  const std::vector<json> steps = events(trace, "X", "step");
  REQUIRE(steps.size() == f.history.steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const sim::HistoryStep& s = f.history.steps[i];
    CHECK(steps[i]["tid"] == tid_of(trace, f.history.task_name(s.task)));
    CHECK(steps[i]["ts"] == sim::index(s.step) * 10);
    CHECK(steps[i]["args"]["step"] == sim::index(s.step));
    CHECK(steps[i]["name"].get<std::string>().rfind(std::string(to_string(s.kind)), 0) == 0);
    if (s.kind == sim::OpKind::Write) {
      CHECK(steps[i]["args"]["where"].get<std::string>().find("picture_bodies.hpp:") != std::string::npos);
      CHECK(steps[i]["args"]["value"] == s.value);
      CHECK(steps[i]["args"]["object"] == "balance");
    }
  }
  // The race: an arrow from the earlier access's slice to the later one's.
  const std::vector<Arrow> race = arrows(trace, "race on balance");
  REQUIRE(race.size() == 1);
  REQUIRE(race[0].from != nullptr);
  REQUIRE(race[0].to != nullptr);
  CHECK((*race[0].from)["args"]["step"] == sim::index(f.accesses[0].step));
  CHECK((*race[0].to)["args"]["step"] == sim::index(f.accesses[1].step));
  CHECK((*race[0].from)["tid"] != (*race[0].to)["tid"]);
  // The failure, after the last step.
  const std::vector<json> failure = events(trace, "i", "failure");
  REQUIRE(failure.size() == 1);
  CHECK(failure[0]["name"] == "DataRace");
  CHECK(failure[0]["ts"] > steps.back()["ts"]);
  CHECK(trace["metadata"]["token"] == f.token);
}

TEST_CASE("a preemption is an instant on the track of the task that takes over") {
  const sim::Failure f = found(pictures::bank_race, sim::FailureKind::AssertionFailed);
  const json trace = json::parse(sim::to_trace(f, {.replay_hint = "replay {token}"}));
  std::vector<const sim::HistoryStep*> preempting;
  for (std::size_t i = 1; i < f.history.steps.size(); ++i) {
    if (f.history.steps[i].preempted) preempting.push_back(&f.history.steps[i]);
  }
  REQUIRE(!preempting.empty());  // an overdraft needs a switch in the middle of a withdrawal
  const std::vector<json> instants = events(trace, "i", "preemption");
  REQUIRE(instants.size() == preempting.size());
  for (std::size_t i = 0; i < instants.size(); ++i) {
    CHECK(instants[i]["tid"] == tid_of(trace, f.history.task_name(preempting[i]->task)));
    CHECK(instants[i]["ts"] == sim::index(preempting[i]->step) * 10);
    CHECK(instants[i]["s"] == "t");
  }
  CHECK(trace["metadata"]["replay"] == "replay " + f.token);
}

TEST_CASE("a lock handed from one task to another is an arrow from the unlock to the next lock") {
  const sim::Failure f = found(pictures::locked_adds, sim::FailureKind::AssertionFailed);
  const json trace = json::parse(sim::to_trace(f));
  const std::vector<checker::Handoff> handoffs = checker::lock_handoffs(f.history);
  REQUIRE(handoffs.size() == 1);  // the lock goes from the first adder to the second, once
  const checker::Handoff& h = handoffs[0];
  const std::string name = "m handed from " + f.history.task_name(h.from) + " to " + f.history.task_name(h.to);
  const std::vector<Arrow> drawn = arrows(trace, name);
  REQUIRE(drawn.size() == 1);
  REQUIRE(drawn[0].from != nullptr);
  REQUIRE(drawn[0].to != nullptr);
  CHECK((*drawn[0].from)["name"] == "unlock m");
  CHECK((*drawn[0].to)["name"] == "lock m");
  CHECK((*drawn[0].from)["args"]["step"] < (*drawn[0].to)["args"]["step"]);
}

TEST_CASE("a deadlock's trace ends with each blocked task's wait and arrows round the wait-for cycle") {
  const sim::Failure f = found(pictures::opposite_order, sim::FailureKind::Deadlock);
  // alice waits for bob's b, bob for alice's a, main to join alice.
  REQUIRE(f.blocked.size() == 3);
  const checker::WaitGraph g = checker::wait_graph(f);
  REQUIRE(g.cycle.size() == 2);
  CHECK(f.history.task_name(g.cycle[0]) == "alice");
  CHECK(f.history.task_name(g.cycle[1]) == "bob");
  CHECK(!g.in_cycle(sim::TaskId{0}));
  const json trace = json::parse(sim::to_trace(f));
  const std::vector<json> waits = events(trace, "X", "deadlock");
  REQUIRE(waits.size() == 3);
  for (const json& w : waits) CHECK(w["ts"] > events(trace, "X", "step").back()["ts"]);
  for (const auto& [who, whom, object] : {std::tuple{"alice", "bob", "b"}, std::tuple{"bob", "alice", "a"}}) {
    const std::vector<Arrow> drawn = arrows(trace, std::string(who) + " waits for " + whom + " (" + object + ")");
    REQUIRE(drawn.size() == 1);
    REQUIRE(drawn[0].from != nullptr);
    REQUIRE(drawn[0].to != nullptr);
    CHECK((*drawn[0].from)["name"].get<std::string>() == std::string("blocked: lock ") + object);
    CHECK((*drawn[0].from)["args"]["in_cycle"] == true);
    CHECK((*drawn[0].to)["tid"] == tid_of(trace, whom));
  }
  CHECK(arrows(trace, "main waits for alice to finish").size() == 1);
}

TEST_CASE("the same token gives the same trace, byte for byte") {
  const sim::Failure f = found(pictures::bank_race, sim::FailureKind::AssertionFailed);
  const sim::Report a = sim::replay(pictures::bank_race, f.token);
  const sim::Report b = sim::replay(pictures::bank_race, f.token);
  const sim::Failure* fa = a.find(sim::FailureKind::AssertionFailed);
  const sim::Failure* fb = b.find(sim::FailureKind::AssertionFailed);
  REQUIRE(fa != nullptr);
  REQUIRE(fb != nullptr);
  const std::string text = sim::to_trace(*fa);
  CHECK(text == sim::to_trace(*fb));
  CHECK(json::parse(text)["traceEvents"].size() > fa->history.steps.size());
}
