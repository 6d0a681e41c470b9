// Tests that a search which is not complete says why (Report::incomplete): a budget, a stop at
// the first failure, a cancel, the step limit, sampling, a body that does not repeat itself;
// and that `complete` holds exactly when there is no gap.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "checker/report_json.hpp"
#include "checker/story.hpp"
#include "explore_support.hpp"
#include "sim/explore/random_strategy.hpp"
#include "text_support.hpp"

using namespace explore_test;

namespace {

// The gaps' kinds, in order.
std::vector<sim::GapKind> kinds(const sim::Report& r) {
  std::vector<sim::GapKind> out;
  for (const sim::Gap& g : r.incomplete) out.push_back(g.kind);
  return out;
}

sim::Report dpor(const std::function<void()>& body, sim::RunOptions options) {
  sim::DporStrategy strategy;
  return sim::Runner(options).run(body, strategy);
}

sim::Report dfs(const std::function<void()>& body, sim::RunOptions options) {
  sim::DfsStrategy strategy;
  return sim::Runner(options).run(body, strategy);
}

// Every second execution of the search starts a third thread: the body depends on state kept
// between executions, which the scheduler does not decide.
void drifting() {
  static int runs = 0;
  const bool extra = runs++ % 2 == 1;
  sim::Shared<int> x{0, "x"}, y{0, "y"};
  sim::Thread a([&] { x.store(1); y.store(1); }, "a");
  sim::Thread b([&] { (void)x.load(); (void)y.load(); }, "b");
  std::optional<sim::Thread> c;
  if (extra) c.emplace([&] { x.store(2); }, "c");
  a.join();
  b.join();
  if (c) c->join();
}

}  // namespace

TEST_CASE("a search run to its end has no gap and is complete") {
  for (const sim::Report& r : {dfs([] { lastzero(3); }, {.iterations = 0}), dpor([] { lastzero(3); }, {.iterations = 0})}) {
    CHECK(r.complete);
    CHECK(r.incomplete.empty());
    CHECK(checker::gap_lines(r).empty());
    CHECK_FALSE(contains(checker::render(r), "not complete"));
  }
}

TEST_CASE("a budget that ends the search before its end is its gap, with the executions it allowed") {
  const sim::Report r = dpor([] { lastzero(5); }, {.iterations = 10});
  CHECK(r.executions == 10);
  CHECK_FALSE(r.complete);
  REQUIRE(kinds(r) == std::vector{sim::GapKind::Budget});
  CHECK(r.incomplete[0].count == 10);
  CHECK(contains(checker::render(r), "\n  not complete: the budget of 10 executions ran out before the search's end\n"));
  const nlohmann::json j = nlohmann::json::parse(checker::report_json(r));
  REQUIRE(j["incomplete"].size() == 1);
  CHECK(j["incomplete"][0]["reason"] == "budget");
  CHECK(j["incomplete"][0]["count"] == 10);
  CHECK(j["incomplete"][0]["message"] == "the budget of 10 executions ran out before the search's end");
  CHECK_FALSE(j["incomplete"][0].contains("detail"));
}

TEST_CASE("a search that stops at its first failure says so, and the budget is not blamed") {
  const sim::Report r = dpor([] { lost_update(2); }, {.iterations = 1000, .on_failure = sim::OnFailure::Stop});
  REQUIRE_FALSE(r.ok());
  CHECK_FALSE(r.complete);
  CHECK(kinds(r) == std::vector{sim::GapKind::Stopped});
  CHECK(contains(checker::gap_lines(r), "not complete: the search stopped at its first failure"));
  // Going on past the failure, the same search is complete: a finding is not a gap.
  const sim::Report all = dpor([] { lost_update(2); }, {.iterations = 0, .on_failure = sim::OnFailure::Continue});
  CHECK_FALSE(all.ok());
  CHECK(all.complete);
  CHECK(all.incomplete.empty());
}

TEST_CASE("a cancelled search is interrupted after the executions it ran") {
  const std::atomic<bool> cancel{true};
  const sim::Report r = dpor([] { lastzero(3); }, {.iterations = 0, .cancel = &cancel});
  CHECK(r.interrupted);
  CHECK_FALSE(r.complete);
  REQUIRE(kinds(r) == std::vector{sim::GapKind::Interrupted});
  CHECK(r.incomplete[0].count == r.executions);
  CHECK(contains(checker::gap_lines(r), fmt::format("interrupted after {} execution", r.executions)));
}

TEST_CASE("executions cut at the step limit leave what follows unexplored") {
  sim::ExecutionLimits limits;
  limits.max_steps = 6;
  const sim::Report r = dfs([] { lastzero(4); }, {.iterations = 0, .on_failure = sim::OnFailure::Continue, .limits = limits});
  REQUIRE(r.find(sim::FailureKind::StepLimit) != nullptr);
  CHECK_FALSE(r.complete);
  REQUIRE(kinds(r) == std::vector{sim::GapKind::StepBound});
  // Counted once per StepLimit finding (one per place), as the report lists them.
  const auto cut = std::count_if(r.failures.begin(), r.failures.end(), [](const sim::Failure& f) { return f.kind == sim::FailureKind::StepLimit; });
  CHECK(r.incomplete[0].count == static_cast<std::uint64_t>(cut));
  CHECK(contains(checker::gap_lines(r), "executions were cut at the step limit ("));
}

TEST_CASE("a sampling strategy's gap is that it samples, named in JSON and left out of the text") {
  sim::RandomStrategy random(1);
  const sim::Report r = sim::Runner({.iterations = 20, .on_failure = sim::OnFailure::Continue}).run([] { lastzero(3); }, random);
  CHECK_FALSE(r.complete);
  // Its budget is how many samples it takes, not a gap of its own.
  CHECK(kinds(r) == std::vector{sim::GapKind::Sampled});
  CHECK(checker::gap_lines(r).empty());
  const nlohmann::json j = nlohmann::json::parse(checker::report_json(r));
  CHECK(j["incomplete"][0]["reason"] == "sampled");
}

TEST_CASE("a body that does not repeat itself under the same choices: the divergences and the first, by task and step") {
  for (const bool use_dpor : {false, true}) {
    CAPTURE(use_dpor);
    // No budget: such a body keeps the tree from ever being walked (each divergence starts it
    // afresh below the choice), so the search gives up after DivergenceLog::give_up of them.
    const sim::RunOptions options{.iterations = 0, .on_failure = sim::OnFailure::Continue};
    const sim::Report r = use_dpor ? dpor(drifting, options) : dfs(drifting, options);
    CHECK_FALSE(r.complete);
    // (DPOR may also find reordered races that did not run as predicted: the body changed under them.)
    const auto at = std::find_if(r.incomplete.begin(), r.incomplete.end(), [](const sim::Gap& g) { return g.kind == sim::GapKind::Divergence; });
    REQUIRE(at != r.incomplete.end());
    CHECK(std::all_of(r.incomplete.begin(), r.incomplete.end(), [](const sim::Gap& g) {
      return g.kind == sim::GapKind::Divergence || g.kind == sim::GapKind::Mispredicted;
    }));
    const sim::Gap& g = *at;
    CHECK(g.count == sim::DivergenceLog::give_up);
    CHECK(contains(sim::to_text(g), ", and the search gave up; the first: "));
    // Where it differed, in the stories' words: a choice (and its step) or a task's step.
    CHECK((contains(g.detail, "at choice ") || contains(g.detail, "'s step ")));
    const std::string lines = checker::gap_lines(r);
    CHECK(contains(lines, "not complete: "));
    CHECK(contains(lines, "did not lead where"));
    CHECK(contains(lines, "the first: " + g.detail));
  }
}

TEST_CASE("a budgeted search over a body that does not repeat itself names both gaps") {
  const sim::Report r = dpor(drifting, {.iterations = 20, .on_failure = sim::OnFailure::Continue});
  CHECK(r.executions == 20);
  REQUIRE(r.incomplete.size() >= 2);
  CHECK(r.incomplete[0].kind == sim::GapKind::Budget);
  CHECK(r.incomplete[1].kind == sim::GapKind::Divergence);
  CHECK(r.incomplete[1].count < sim::DivergenceLog::give_up);
  CHECK_FALSE(contains(sim::to_text(r.incomplete[1]), "gave up"));
}

TEST_CASE("gaps are kept in kind order, and one kind reported twice adds up and keeps its first detail") {
  std::vector<sim::Gap> gaps;
  sim::add_gap(gaps, {.kind = sim::GapKind::Divergence, .count = 2, .detail = "first"});
  sim::add_gap(gaps, {.kind = sim::GapKind::Budget, .count = 7});
  sim::add_gap(gaps, {.kind = sim::GapKind::Divergence, .count = 3, .detail = "second"});
  REQUIRE(gaps.size() == 2);
  CHECK(gaps[0].kind == sim::GapKind::Budget);
  CHECK(gaps[1].count == 5);
  CHECK(gaps[1].detail == "first");
  for (sim::GapKind k : {sim::GapKind::Sampled, sim::GapKind::Stopped, sim::GapKind::Budget, sim::GapKind::TimeLimit,
                         sim::GapKind::Interrupted, sim::GapKind::StepBound, sim::GapKind::Unmodelled,
                         sim::GapKind::Divergence, sim::GapKind::Mispredicted, sim::GapKind::Unordered,
                         sim::GapKind::Skipped, sim::GapKind::Sequential}) {
    CHECK(sim::gap_kind(sim::to_string(k)) == k);
    CHECK_FALSE(sim::to_text(sim::Gap{.kind = k, .count = 1}).empty());
  }
  CHECK_FALSE(sim::gap_kind("budgets").has_value());
}

TEST_CASE("the gaps a strategy reports of itself are told apart from those of the search's end") {
  std::vector<sim::GapKind> own;
  for (sim::GapKind k : {sim::GapKind::Sampled, sim::GapKind::Stopped, sim::GapKind::Budget, sim::GapKind::TimeLimit,
                         sim::GapKind::Interrupted, sim::GapKind::StepBound, sim::GapKind::Unmodelled,
                         sim::GapKind::Divergence, sim::GapKind::Mispredicted, sim::GapKind::Unordered,
                         sim::GapKind::Skipped, sim::GapKind::Sequential}) {
    if (sim::strategy_gap(k)) own.push_back(k);
  }
  CHECK(own == std::vector<sim::GapKind>{sim::GapKind::Sampled, sim::GapKind::Divergence, sim::GapKind::Mispredicted,
                                         sim::GapKind::Unordered, sim::GapKind::Skipped, sim::GapKind::Sequential});
}
