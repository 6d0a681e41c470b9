// Tests DPOR's random order (SearchOrder::Random): it runs only traces depth first runs, each
// once, and reports the subtrees it skipped; with a budget it reaches a bug that needs an early
// choice reversed, which depth first starves; it is deterministic for a seed; and it refuses
// options it cannot honour.
#include <doctest/doctest.h>

#include <algorithm>
#include <deque>
#include <stdexcept>
#include <string>

#include "explore_support.hpp"
#include "interleave/explore.hpp"

using namespace explore_test;

namespace {

sim::DporOptions random_order(std::uint64_t seed, std::uint32_t spurious = 0) {
  return {.spurious = spurious, .order = sim::SearchOrder::Random, .seed = seed};
}

// Writers each store to x; the reader fails only if it reads before every one of them. That
// order is a choice at the top of DPOR's tree, below which lie the writers' orders.
void read_before_writers(int writers) {
  sim::Shared<int> x{0, "x"};
  std::deque<sim::Thread> ts;
  for (int i = 0; i < writers; ++i) ts.emplace_back([&, i] { x.store(i + 1); });
  ts.emplace_back([&] { sim::check(x.load() != 0, "the reader came before every writer"); }, "reader");
  for (auto& t : ts) t.join();
}

// The random order, run to its end, runs no trace depth first does not, none twice; it is
// complete exactly when it left no subtree unfinished, and says how many it left.
void subset_of_depth_first(const std::function<void()>& body, std::uint32_t spurious = 0) {
  const Searched depth_first = search_dpor(body, {.spurious = spurious});
  REQUIRE(depth_first.report.complete);
  bool skipped_some = false;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    CAPTURE(seed);
    sim::DporStrategy dpor(random_order(seed, spurious));
    TraceKeys keys;
    sim::Observer* observers[] = {&keys};
    sim::Runner runner(sim::RunOptions{.iterations = 50'000'000, .on_failure = sim::OnFailure::Continue});
    const sim::Report r = runner.run(body, dpor, observers);
    CHECK(std::includes(depth_first.traces.begin(), depth_first.traces.end(), keys.keys.begin(), keys.keys.end()));
    CHECK(r.executions - dpor.redundant() == keys.keys.size());
    CHECK(r.executions <= depth_first.report.executions + dpor.redundant());
    const sim::Gap* gap = nullptr;
    for (const sim::Gap& g : r.incomplete) {
      if (g.kind == sim::GapKind::Skipped) gap = &g;
    }
    CHECK(r.complete == (dpor.skipped() == 0));
    CHECK((gap != nullptr) == (dpor.skipped() > 0));
    if (gap != nullptr) CHECK(gap->count == dpor.skipped());
    if (dpor.skipped() == 0) CHECK(keys.keys == depth_first.traces);
    skipped_some = skipped_some || dpor.skipped() > 0;
  }
  CHECK(skipped_some);  // (so the checks above saw a skipping search)
}

sim::ExploreOptions budgeted(sim::SearchOrder order, std::uint64_t seed) {
  return {.strategy = sim::Search::Dpor, .iterations = 10'000, .seed = seed, .order = order,
          .minimize = {.enabled = false}, .progress = sim::Progress::Off};
}

}  // namespace

TEST_CASE("the random order runs traces depth first runs, each once, and counts what it skipped") {
  SUBCASE("lost update") { subset_of_depth_first([] { lost_update(3); }); }
  SUBCASE("locked counter") { subset_of_depth_first([] { locked_counter(3); }); }
  SUBCASE("readers") { subset_of_depth_first([] { readers(3); }); }
  SUBCASE("lastzero") { subset_of_depth_first([] { lastzero(4); }); }
  SUBCASE("a reader and writers") { subset_of_depth_first([] { read_before_writers(3); }); }
  SUBCASE("notify_one's choice of waiter") { subset_of_depth_first([] { tokens(2, 2, false); }); }
  SUBCASE("spurious wake-ups") { subset_of_depth_first([] { tokens(2, 1, true); }, 1); }
}

TEST_CASE("with a budget, the random order reaches a bug depth first starves") {
  const auto body = [] { read_before_writers(10); };
  const sim::Report depth_first = sim::explore(body, budgeted(sim::SearchOrder::DepthFirst, 1));
  CHECK(depth_first.executions == 10'000);
  CHECK(depth_first.find(sim::FailureKind::AssertionFailed) == nullptr);
  CHECK(depth_first.find(sim::FailureKind::DataRace) != nullptr);  // found, as the issue says
  for (std::uint64_t seed : {1, 2, 3, 4, 5}) {
    CAPTURE(seed);
    const sim::Report random = sim::explore(body, budgeted(sim::SearchOrder::Random, seed));
    const sim::Failure* f = random.find(sim::FailureKind::AssertionFailed);
    REQUIRE(f != nullptr);
    CHECK(random.executions < 10'000);
    CHECK(random.strategy == "dpor order=random seed=" + std::to_string(seed));
    CHECK(f->found_by.starts_with(random.strategy + " execution="));
    // Its token replays the failure in the ordinary runner.
    const sim::Report again = sim::replay(body, f->token);
    REQUIRE(again.find(sim::FailureKind::AssertionFailed) != nullptr);
    CHECK(again.find(sim::FailureKind::AssertionFailed)->message == f->message);
  }
}

TEST_CASE("with a budget, the random order spends it in passes over the tree; one that skips nothing is complete") {
  sim::ExploreOptions o = budgeted(sim::SearchOrder::Random, 3);
  o.iterations = 2'000;
  o.on_failure = sim::OnFailure::Continue;
  const sim::Report r = sim::explore([] { lost_update(3); }, o);  // 36 traces, but a pass skips some
  CHECK(r.executions == 2'000);
  CHECK_FALSE(r.complete);
  std::vector<sim::GapKind> kinds;
  for (const sim::Gap& g : r.incomplete) kinds.push_back(g.kind);
  CHECK(kinds == std::vector<sim::GapKind>{sim::GapKind::Budget, sim::GapKind::Skipped});
  CHECK(r.find(sim::FailureKind::AssertionFailed) != nullptr);
  // One trace: nothing to skip, so the first pass is the whole search.
  const sim::Report one = sim::explore([] { writers(3); }, o);
  CHECK(one.executions == 1);
  CHECK(one.complete);
  CHECK(one.incomplete.empty());
}

TEST_CASE("the random order is the same for a seed, whatever the jobs") {
  const auto body = [] { read_before_writers(6); };
  sim::ExploreOptions o = budgeted(sim::SearchOrder::Random, 7);
  o.on_failure = sim::OnFailure::Continue;
  o.iterations = 500;
  const sim::Report one = sim::explore(body, o);
  o.jobs = 2;
  const sim::Report two = sim::explore(body, o);
  CHECK(sim::to_json(one, {.timing = false}) == sim::to_json(two, {.timing = false}));
  o.jobs = 1;
  o.seed = 8;
  const sim::Report other = sim::explore(body, o);
  CHECK(sim::to_json(one, {.timing = false}) != sim::to_json(other, {.timing = false}));
}

TEST_CASE("the random order refuses what it cannot honour") {
  const auto body = [] { lost_update(2); };
  const auto message = [&](const sim::ExploreOptions& o) {
    try {
      (void)sim::explore(body, o);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  CHECK(message({.strategy = sim::Search::Pct, .order = sim::SearchOrder::Random}) ==
        "explore: the random order applies to the dpor strategy, not pct");
  CHECK(message({.strategy = sim::Search::Dpor, .split_depth = 2, .order = sim::SearchOrder::Random}) ==
        "explore: the random order branches anywhere in one tree: it takes no split depth (split_depth 2)");
}
