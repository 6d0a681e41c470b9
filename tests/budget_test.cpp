// Budgets of a search: a time limit that runs out is marked in the report (text and JSON) and cuts
// the execution in flight, and a search that keeps going keeps each finding once.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "interleave/explore.hpp"
#include "interleave/interleave.hpp"
#include "lang/interpreter.hpp"
#include "lang_support.hpp"
#include "text_support.hpp"

namespace {

// Two threads racing on x forever: no search of it ends by itself.
void endless() {
  sim::Shared<int> x{0, "x"};
  auto work = [&] {
    for (int i = 0; i < 8; ++i) x.store(x.load() + 1);
  };
  sim::Thread a(work, "a"), b(work, "b"), c(work, "c");
  a.join();
  b.join();
  c.join();
}

}  // namespace

TEST_CASE("a search ended by its time limit says so, in the report, its text and its JSON") {
  const sim::Report r = sim::explore(endless, {.strategy = sim::Search::Dfs, .time_limit = 0.2, .checks = checker::Checks::none()});
  CHECK(r.time_limit_reached);
  CHECK_FALSE(r.complete);
  CHECK_FALSE(r.interrupted);
  CHECK(contains(sim::to_text(r, {.timing = false}), " — time limit reached\n"));
  CHECK(nlohmann::json::parse(sim::to_json(r))["time_limit_reached"] == true);
}

TEST_CASE("a search that ends before its time limit does not say it reached it") {
  const sim::Report r = sim::explore(endless, {.strategy = sim::Search::Random, .iterations = 20, .time_limit = 60});
  CHECK_FALSE(r.time_limit_reached);
  CHECK(r.executions == 20);
  CHECK_FALSE(contains(sim::to_text(r, {.timing = false}), "time limit"));
  CHECK(nlohmann::json::parse(sim::to_json(r))["time_limit_reached"] == false);
}

TEST_CASE("an execution still running when the time limit runs out is cut there, not counted, and finds nothing") {
  // One execution of this scenario loops over a local for a billion iterations (minutes): the
  // search must stop inside it, at the limit, rather than after it.
  const auto program = lang_test::program("shared x = 0\nthread spin:\n    let i = 0\n    while true:\n        i = i + 1\n");
  const sim::Report r = sim::explore(lang::make_body(program, {.max_local_work = 1'000'000'000}),
                                     {.strategy = sim::Search::Random, .iterations = 5, .time_limit = 0.3});
  CHECK(r.time_limit_reached);
  CHECK(r.executions == 0);
  CHECK(r.ok());
}

TEST_CASE("a search that keeps going keeps each finding once, from the first execution that showed it") {
  // Every execution fails the same way; a job keeps the finding once, however many show it.
  auto always = [] {
    sim::Shared<int> x{0, "x"};
    sim::Thread t([&] { x.store(1); }, "t");
    t.join();
    sim::check(false, "always");
  };
  sim::ExploreStats stats;
  const sim::Report r = sim::explore(always, {.strategy = sim::Search::Random, .iterations = 3000, .jobs = 2,
                                              .on_failure = sim::OnFailure::Continue, .stats = &stats});
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0].execution == 1);
  CHECK(r.executions == 3000);
  CHECK(stats.kept <= 2);  // at most once per job
}
