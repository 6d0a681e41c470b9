// Tests the checkers on every strategy and on jobs: races and predicted deadlocks found by
// sim::explore, replayed from their tokens, the same for any number of jobs, adding up over shards.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "checker/checker.hpp"

#include "tests/bodies.hpp"  // the locked bank
#include "explore_support.hpp"
#include "text_support.hpp"

using namespace explore_test;

namespace {

sim::ExploreOptions checked(sim::ExploreOptions o) {
  o.checks = checker::Checks{};
  return o;
}

// alice takes a then b, bob b then a; but bob starts only once alice has let both go (a
// semaphore the lock-order graph does not see), so no execution can deadlock.
void handed_over_orders() {
  sim::Mutex a{"a"}, b{"b"};
  sim::BinarySemaphore done{0, "done"};
  sim::Thread alice([&] {
    {
      sim::LockGuard x(a);
      sim::LockGuard y(b);
    }
    done.release();
  }, "alice");
  sim::Thread bob([&] {
    done.acquire();
    sim::LockGuard x(b);
    sim::LockGuard y(a);
  }, "bob");
  alice.join();
  bob.join();
}

// Whoever comes first takes its two locks, in its own order; the other takes none. So each
// execution shows one lock-order edge, and the cycle only spans executions (and units).
void one_order_per_execution() {
  sim::Mutex gate{"gate"}, a{"a"}, b{"b"};
  sim::Shared<int> turn{0, "turn"};
  auto first = [&] {
    sim::LockGuard g(gate);
    const bool mine = turn.load() == 0;
    turn.store(1);
    return mine;
  };
  sim::Thread alice([&] {
    if (!first()) return;
    sim::LockGuard x(a);
    sim::LockGuard y(b);
  }, "alice");
  sim::Thread bob([&] {
    if (!first()) return;
    sim::LockGuard x(b);
    sim::LockGuard y(a);
  }, "bob");
  alice.join();
  bob.join();
}

// Every execution has both a race (the two stores, which nothing orders) and a failed
// assertion, so the very first one ends in the assertion with the race in it.
void racy_and_wrong() {
  sim::Shared<int> x{0, "x"};
  sim::Thread w([&] { x.store(1); }, "w");
  x.store(2);
  w.join();
  sim::check(x.load() == 3, "x is never 3");
}

// The token replays the finding: the same kind at the same place, watched by the checkers.
void replays(const std::function<void()>& body, const sim::Failure& f) {
  sim::Report again = sim::replay(body, f.token);
  bool same = false;
  for (const sim::Failure& g : again.failures) same = same || g.same_place(f);
  CHECK_MESSAGE(same, f.token);
  CHECK(again.find(sim::FailureKind::ReplayDivergence) == nullptr);
}

void same_failures(const sim::Report& a, const sim::Report& b) {
  CHECK(a.executions == b.executions);
  REQUIRE(a.failures.size() == b.failures.size());
  for (std::size_t i = 0; i < a.failures.size(); ++i) {
    CHECK(a.failures[i].kind == b.failures[i].kind);
    CHECK(a.failures[i].message == b.failures[i].message);
    CHECK(a.failures[i].execution == b.failures[i].execution);
    CHECK(a.failures[i].found_by == b.failures[i].found_by);
    CHECK(a.failures[i].token == b.failures[i].token);
    CHECK(a.failures[i].original_token == b.failures[i].original_token);
    CHECK(a.failures[i].notes == b.failures[i].notes);
  }
}

void same_report(const sim::Report& a, const sim::Report& b) {
  CHECK(a.complete == b.complete);
  same_failures(a, b);
}

const std::vector<std::pair<const char*, sim::ExploreOptions>>& searches() {
  static const std::vector<std::pair<const char*, sim::ExploreOptions>> all = {
      {"dpor", {.strategy = sim::Search::Dpor}},
      {"dpor split at 3", {.strategy = sim::Search::Dpor, .split_depth = 3}},
      {"dfs", {.strategy = sim::Search::Dfs}},
      {"dfs, bounded", {.strategy = sim::Search::Dfs, .preemption_bound = 1}},
      {"pct", {.strategy = sim::Search::Pct, .iterations = 300, .seed = 5, .depth = 2}},
      {"portfolio", {.iterations = 300}},
      {"random", {.strategy = sim::Search::Random, .iterations = 300, .seed = 3}},
      {"pos", {.strategy = sim::Search::Pos, .iterations = 300, .seed = 2}},
  };
  return all;
}

}  // namespace

TEST_CASE("the bank race is named, both accesses, by dpor, dfs, pct and portfolio, and replays") {
  for (const auto& [name, options] : searches()) {
    CAPTURE(std::string(name));
    const sim::Report r = sim::explore(bank_race_2t, checked(options));
    const sim::Failure* race = r.find(sim::FailureKind::DataRace);
    REQUIRE(race != nullptr);
    CHECK(contains(race->message, " of balance at "));
    REQUIRE(race->accesses.size() == 2);
    CHECK(race->accesses[0].task_name != race->accesses[1].task_name);
    CHECK(!race->accesses[0].value.empty());  // filled from its story, as check_random does
    CHECK(!race->history.steps.empty());
    CHECK(!race->nondeterministic);
    CHECK(race->execution >= 1);
    CHECK(!race->found_by.empty());
    CHECK(contains(sim::to_text(r, {.timing = false}), "DataRace: "));
    replays(bank_race_2t, *race);
  }
}

TEST_CASE("explore's random walk with checks and shrinking reports what check_random reports") {
  for (sim::OnFailure on : {sim::OnFailure::Stop, sim::OnFailure::Continue}) {
    sim::ExploreOptions o{.strategy = sim::Search::Random, .iterations = 200, .seed = 4, .jobs = 2, .on_failure = on};
    o.checks = checker::Checks{};
    o.minimize = checker::MinimizeOptions{};
    same_failures(sim::check_random(bank_race_2t, {.iterations = 200, .seed = 4, .on_failure = on}), sim::explore(bank_race_2t, o));
  }
}

TEST_CASE("the checkers watch explore unless turned off, as they watch check_random") {
  const sim::Report r = sim::explore(bank_race_2t, {.strategy = sim::Search::Dpor});
  CHECK(r.find(sim::FailureKind::DataRace) != nullptr);
  CHECK(r.find(sim::FailureKind::AssertionFailed) != nullptr);
  const sim::Report off = sim::explore(bank_race_2t, {.strategy = sim::Search::Dpor, .checks = checker::Checks::none()});
  CHECK(off.find(sim::FailureKind::DataRace) == nullptr);
  CHECK(off.find(sim::FailureKind::AssertionFailed) != nullptr);
}

TEST_CASE("AB/BA that cannot deadlock is a potential deadlock under dpor, and the search ends complete") {
  const sim::Report r = sim::explore(handed_over_orders, checked({.strategy = sim::Search::Dpor}));
  CHECK(r.complete);
  CHECK(r.find(sim::FailureKind::Deadlock) == nullptr);
  REQUIRE(r.failures.size() == 1);
  const sim::Failure& f = r.failures.front();
  REQUIRE(f.kind == sim::FailureKind::PotentialDeadlock);
  CHECK(contains(f.message, "lock-order cycle a → b → a: alice takes b while holding a, bob takes a while holding b"));
  CHECK(f.execution == 1);
  CHECK(contains(f.found_by, "dpor execution=1"));
  replays(handed_over_orders, f);
}

TEST_CASE("AB/BA that does deadlock under dpor: one Deadlock, noting that the lock order predicted it") {
  const sim::Report r = sim::explore(two_locks, checked({.strategy = sim::Search::Dpor}));
  REQUIRE(r.failures.size() == 1);
  const sim::Failure& f = r.failures.front();
  CHECK(f.kind == sim::FailureKind::Deadlock);
  REQUIRE(f.notes.size() >= 1);
  CHECK(contains(f.notes.back(), "the lock order predicted this deadlock too"));
}

TEST_CASE("a cycle whose edges come from different executions is found where the second edge first shows") {
  const sim::Report r = sim::explore(one_order_per_execution, checked({.strategy = sim::Search::Dfs}));
  CHECK(r.complete);
  const sim::Failure* f = r.find(sim::FailureKind::PotentialDeadlock);
  REQUIRE(f != nullptr);
  CHECK(f->execution > 1);
  REQUIRE(f->notes.size() == 1);
  CHECK(contains(f->notes[0], "its edges were seen in executions 1, "));
  CHECK(r.find(sim::FailureKind::Deadlock) == nullptr);
  // The token replays the execution that closed the cycle; alone it shows one edge, as the note says.
  const sim::Report again = sim::replay(one_order_per_execution, f->token);
  CHECK(again.ok());

  // Split into units that two jobs take as they come: the same cycle, execution, token and note.
  sim::ExploreStats stats;
  const sim::Report split = sim::explore(one_order_per_execution, checked({.strategy = sim::Search::Dfs, .split_depth = 2}));
  const sim::Report two = sim::explore(one_order_per_execution,
                                       checked({.strategy = sim::Search::Dfs, .jobs = 2, .split_depth = 2, .stats = &stats}));
  CHECK(stats.units > 2);
  const sim::Failure* g = two.find(sim::FailureKind::PotentialDeadlock);
  REQUIRE(g != nullptr);
  CHECK(g->execution == split.find(sim::FailureKind::PotentialDeadlock)->execution);
  CHECK(g->token == split.find(sim::FailureKind::PotentialDeadlock)->token);
  CHECK(g->notes == split.find(sim::FailureKind::PotentialDeadlock)->notes);
}

TEST_CASE("jobs=1 and jobs=2 give the same report with the checkers: findings, executions, tokens") {
  for (const auto& [name, options] : searches()) {
    CAPTURE(std::string(name));
    for (auto body : {&bank_race_2t, &one_order_per_execution, &handed_over_orders}) {
      for (sim::OnFailure on : {sim::OnFailure::Stop, sim::OnFailure::Continue}) {
        sim::ExploreOptions o = checked(options);
        o.on_failure = on;
        if (o.strategy == sim::Search::Dfs) o.split_depth = 2;  // units small enough to split the two orders
        const sim::Report one = sim::explore(body, o);
        o.jobs = 2;
        same_report(one, sim::explore(body, o));
      }
    }
  }
}

TEST_CASE("shards 0/2 and 1/2 add up, and their races are the whole run's") {
  for (const auto& [name, options] : searches()) {
    CAPTURE(std::string(name));
    sim::ExploreOptions o = checked(options);
    o.on_failure = sim::OnFailure::Continue;
    const sim::Report whole = sim::explore(bank_race_2t, o);
    o.shard = {0, 2};
    const sim::Report a = sim::explore(bank_race_2t, o);
    o.shard = {1, 2};
    o.jobs = 2;
    const sim::Report b = sim::explore(bank_race_2t, o);
    CHECK(a.executions + b.executions == whole.executions);
    for (const sim::Failure& f : whole.failures) {
      if (f.kind != sim::FailureKind::DataRace) continue;
      bool found = false;
      for (const sim::Report* shard : {&a, &b}) {
        for (const sim::Failure& g : shard->failures) found = found || g.same_place(f);
      }
      CHECK_MESSAGE(found, f.message);
    }
  }
}

TEST_CASE("a correct locked body is silent under dpor with every checker on") {
  const sim::Report r = sim::explore(bodies::bank_locked_2t, checked({.strategy = sim::Search::Dpor}));
  CHECK(r.ok());
  CHECK(r.complete);
  const sim::Report counter = sim::explore([] { locked_counter(3); }, checked({.strategy = sim::Search::Dpor, .jobs = 2}));
  CHECK(counter.ok());
  CHECK(counter.executions == 6);  // 3! lock orders
}

TEST_CASE("an assertion that ends an execution does not hide the race in it: each is reported with its story and token") {
  for (const auto& [name, options] : searches()) {
    CAPTURE(std::string(name));
    const sim::Report r = sim::explore(racy_and_wrong, checked(options));  // stops at the first failure
    const sim::Failure* assertion = r.find(sim::FailureKind::AssertionFailed);
    const sim::Failure* race = r.find(sim::FailureKind::DataRace);
    REQUIRE(assertion != nullptr);
    REQUIRE(race != nullptr);
    CHECK(assertion->execution == 1);
    CHECK(race->execution == 1);
    CHECK(contains(race->message, " of x at "));
    CHECK(!race->history.steps.empty());
    CHECK(!assertion->history.steps.empty());
    const std::string text = sim::to_text(r, {.timing = false});
    CHECK(contains(text, "DataRace: "));
    CHECK(contains(text, "AssertionFailed: x is never 3"));
    replays(racy_and_wrong, *assertion);
    replays(racy_and_wrong, *race);
  }
}

namespace {

// A checker of a user's own: a write that leaves the balance negative.
class NegativeBalance final : public checker::Checker {
 public:
  void on_event(const sim::Execution& exec, const sim::Event& e) override {
    if (e.op.kind == sim::OpKind::Write && exec.object_name(e.op.object) == "balance" && e.value.present() &&
        e.value.text().starts_with('-')) {
      found_.push_back(sim::Failure{
          .kind = sim::FailureKind::CheckerFinding, .message = "balance written negative: " + e.value.text(), .where = e.op.where});
    }
  }
  void on_end(const sim::Execution& exec, const sim::Failure*) override {
    for (sim::Failure& f : found_) f.schedule = exec.schedule_so_far();
  }
  void take_findings(std::vector<sim::Failure>& out) override {
    for (sim::Failure& f : found_) out.push_back(std::move(f));
    found_.clear();
  }

 private:
  std::vector<sim::Failure> found_;
};

}  // namespace

TEST_CASE("a checker of the user's own: its CheckerFinding is told and replayed, the same on two jobs, and does not stop the search") {
  sim::ExploreOptions o{.strategy = sim::Search::Dpor, .split_depth = 1, .checks = checker::Checks::none()};
  o.checks.more.emplace_back([] { return std::make_unique<NegativeBalance>(); });
  o.on_failure = sim::OnFailure::Continue;
  const sim::Report one = sim::explore(bank_race_2t, o);
  INFO(sim::to_text(one, {.timing = false}));
  const sim::Failure* f = one.find(sim::FailureKind::CheckerFinding);
  REQUIRE(f != nullptr);
  CHECK(f->message == "balance written negative: -60");
  CHECK_FALSE(f->nondeterministic);
  CHECK_FALSE(f->history.steps.empty());  // its story
  CHECK(one.complete);  // not fatal: the search went on to its end
  const sim::Report again = sim::replay(bank_race_2t, f->token);
  CHECK(again.find(sim::FailureKind::AssertionFailed) != nullptr);  // the same execution overdraws
  o.jobs = 2;
  same_report(one, sim::explore(bank_race_2t, o));
}
