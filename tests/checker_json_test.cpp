// Tests the JSON form of a report: every member tools rely on, parsed back with nlohmann::json.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/bodies.hpp"
#include "interleave/interleave.hpp"

namespace {

using bodies::bank_race_2t;
using nlohmann::json;

void opposite_order() {
  sim::Mutex a{"a"}, b{"b"};
  sim::Thread alice([&] { sim::LockGuard x(a); sim::LockGuard y(b); }, "alice");
  sim::Thread bob([&] { sim::LockGuard x(b); sim::LockGuard y(a); }, "bob");
  alice.join();
  bob.join();
}

const json* failure_of(const json& report, const std::string& kind) {
  for (const json& f : report["failures"]) {
    if (f["kind"] == kind) return &f;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("a report as JSON has the run's figures and one object per failure") {
  const sim::Report r = sim::check_random(bank_race_2t, {.iterations = 100, .seed = 1});
  const json j = json::parse(sim::to_json(r));
  CHECK(j["executions"] == r.executions);
  CHECK(j["strategy"] == r.strategy);
  CHECK(j["complete"] == false);
  CHECK(j["interrupted"] == false);
  CHECK(j["seconds"].is_number());
  CHECK(j["summary"] == "interleave: 2 failures (DataRace, AssertionFailed) in 2 executions [random seed=1]");
  REQUIRE(j["failures"].size() == r.failures.size());
  for (std::size_t i = 0; i < r.failures.size(); ++i) {
    const sim::Failure& f = r.failures[i];
    const json& o = j["failures"][i];
    CHECK(o["kind"] == std::string(to_string(f.kind)));
    CHECK(o["message"] == f.message);
    CHECK(o["token"] == f.token);
    CHECK(o["execution"] == f.execution);
    CHECK(o["task"] == f.task_name);
    CHECK(o["where"]["line"] == f.where.line);
    const std::string body = sim::to_string(bodies::bank_race_checked);  // the file of the bank body
    CHECK(o["where"]["file"] == body.substr(0, body.rfind(':')));
    // steps[] is the history, step by step.
    REQUIRE(o["steps"].size() == f.history.steps.size());
    for (std::size_t s = 0; s < f.history.steps.size(); ++s) {
      const sim::HistoryStep& h = f.history.steps[s];
      CHECK(o["steps"][s]["step"] == sim::index(h.step));
      CHECK(o["steps"][s]["task"] == f.history.task_name(h.task));
      CHECK(o["steps"][s]["op"] == std::string(to_string(h.kind)));
      CHECK(o["steps"][s]["preempted"] == h.preempted);
      const json& step = o["steps"][s];
      CHECK(step.contains("value") == !h.value.empty());
      if (!h.value.empty()) CHECK(step["value"] == h.value);
    }
    CHECK(o["tasks"].size() == 3);
    CHECK(o["tasks"][0] == json{{"id", 0}, {"name", "main"}, {"parent", nullptr}, {"spawned_at", nullptr}});
    CHECK(o["tasks"][1]["name"] == "alice");
    CHECK(o["tasks"][1]["parent"] == "main");
    CHECK(o["tasks"][2]["name"] == "bob");
    REQUIRE(o["objects"].size() == 1);
    CHECK(o["objects"][0]["name"] == "balance");
    CHECK(o["objects"][0]["kind"] == "shared");
    CHECK(o["objects"][0]["created"]["line"] == bodies::bank_race_created.line);
  }
}

TEST_CASE("a race's JSON names both accesses with their values") {
  const sim::Report r = sim::check_random(bank_race_2t, {.iterations = 100, .seed = 1});
  const json j = json::parse(sim::to_json(r));
  const json* race = failure_of(j, "DataRace");
  REQUIRE(race != nullptr);
  const sim::Failure& f = *r.find(sim::FailureKind::DataRace);
  REQUIRE((*race)["accesses"].size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    const json& a = (*race)["accesses"][i];
    CHECK(a["task"] == f.accesses[i].task_name);
    CHECK(a["kind"] == std::string(to_string(f.accesses[i].kind)));
    CHECK(a["step"] == sim::index(f.accesses[i].step));
    CHECK(a["value"] == f.accesses[i].value);
    CHECK(a["where"]["line"] == f.accesses[i].where.line);
    CHECK_FALSE(f.accesses[i].value.empty());
  }
  CHECK((*race)["other"]["line"] == f.other.line);
  // Shrunk to no preemption; the JSON says from what.
  REQUIRE(race->contains("minimized"));
  CHECK((*race)["minimized"]["minimal"]["preemptions"] == 0);
  CHECK((*race)["minimized"]["original"]["token"] == f.original_token);
}

TEST_CASE("a deadlock's JSON carries its notes and details") {
  const sim::Report r = sim::check_random(opposite_order, {.iterations = 100, .seed = 1});
  const json j = json::parse(sim::to_json(r));
  const json* d = failure_of(j, "Deadlock");
  REQUIRE(d != nullptr);
  CHECK((*d)["notes"] == json{"the lock order predicted this deadlock too (a → b → a)"});
  CHECK((*d)["details"].size() == 3);
  CHECK_FALSE(d->contains("accesses"));
}

TEST_CASE("JSON without timing is the same text for the same seed; indent -1 is one line") {
  const sim::Report a = sim::check_random(bank_race_2t, {.iterations = 100, .seed = 9});
  const sim::Report b = sim::check_random(bank_race_2t, {.iterations = 100, .seed = 9});
  const std::string ja = sim::to_json(a, {.timing = false});
  CHECK(ja == sim::to_json(b, {.timing = false}));
  CHECK_FALSE(json::parse(ja).contains("seconds"));
  const std::string line = sim::to_json(a, {.indent = -1, .timing = false});
  CHECK(line.find('\n') == std::string::npos);
  CHECK(json::parse(line) == json::parse(ja));
}

TEST_CASE("a clean report is an empty failure list, and bad UTF-8 in names does not throw") {
  const sim::Report clean = sim::check_random([] { sim::Shared<int> x{1, "x"}; sim::check(x.load() == 1); }, {.iterations = 3});
  const json j = json::parse(sim::to_json(clean));
  CHECK(j["failures"].empty());
  CHECK(j["summary"] == "interleave: no failure in 3 executions [random seed=1]");
  const sim::Report odd = sim::check_random([] {
    sim::Shared<int> x{1, "x\xff"};
    sim::check(x.load() == 2, "bad \xfe value");
  }, {.iterations = 1});
  std::string text;
  CHECK_NOTHROW(text = sim::to_json(odd));
  CHECK(json::parse(text)["failures"].size() == 1);
  CHECK(checker::failure_json(odd.failures.front(), {.indent = -1}).find("AssertionFailed") != std::string::npos);
}
