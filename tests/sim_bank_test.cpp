// Tests the bank race: a check-then-act withdrawal found, replayed, and fixed by a mutex.
#include <doctest/doctest.h>

#include <interleave/doctest.hpp>
#include <interleave/interleave.hpp>
#include <string>

#include "tests/bodies.hpp"
#include "text_support.hpp"

namespace {

using bodies::bank_locked_2t;
using bodies::bank_race_2t;

}  // namespace

TEST_CASE("the issue's example compiles and finds the race") {
  // The example from the issue, token for token (only the layout differs).
  auto body = [] {
    sim::Shared<int> balance{100, "balance"};
    auto withdraw = [&] {
      if (balance.load() >= 80) balance.store(balance.load() - 80);
    };
    sim::Thread alice(withdraw, "alice"), bob(withdraw, "bob");
    alice.join();
    bob.join();
    sim::check(balance.load() >= 0, "balance went negative");
  };
  sim::Report r = sim::check_random(body, {.iterations = 1000, .seed = 1});
  const sim::Failure* f = r.find(sim::FailureKind::AssertionFailed);
  REQUIRE(f != nullptr);
  CHECK(sim::replay(body, f->token).find(sim::FailureKind::AssertionFailed));
}

TEST_CASE("the bank race is found within 100 executions with seed 1 and its token replays") {
  sim::Report r = sim::check_random(bank_race_2t, {.iterations = 100, .seed = 1});
  REQUIRE_FALSE(r.ok());
  CHECK(r.executions <= 100);
  const sim::Failure* f = r.find(sim::FailureKind::AssertionFailed);
  REQUIRE(f != nullptr);
  CHECK(f->execution >= 1);
  CHECK(f->execution <= 100);
  CHECK(f->message == "balance went negative");
  CHECK(f->task_name == "main");
  CHECK(sim::to_string(f->where) == sim::to_string(bodies::bank_race_checked));
  CHECK(contains(f->found_by, "seed=1"));
  CHECK_FALSE(f->nondeterministic);
  CHECK(f->token.rfind("v2.", 0) == 0);
  CHECK_FALSE(f->history.steps.empty());

  // Races off: this test is about the assertion alone (the race is the checker suites' subject).
  sim::Report again = sim::replay(bank_race_2t, f->token, {}, {.races = false});
  CHECK(again.executions == 1);
  REQUIRE(again.failures.size() == 1);
  const sim::Failure& g = again.failures.front();
  CHECK(g.kind == sim::FailureKind::AssertionFailed);
  CHECK(g.same_place(*f));
  CHECK(g.message == f->message);
  CHECK(g.token == f->token);
  CHECK(again.find(sim::FailureKind::ReplayDivergence) == nullptr);
}

TEST_CASE("require_failure finds and replays the bank race") {
  sim::Failure f = sim::require_failure(bank_race_2t, sim::FailureKind::AssertionFailed, {.iterations = 100, .seed = 1});
  CHECK(f.message == "balance went negative");
}

TEST_CASE("the failing history shows both withdrawals reading 100 before either writes") {
  const sim::Failure f =
      sim::require_failure(bank_race_2t, sim::FailureKind::AssertionFailed, {.iterations = 100, .seed = 1});
  REQUIRE_FALSE(f.history.steps.empty());
  // The last value main reads is negative: 100 - 80 - 80.
  const sim::HistoryStep& last = f.history.steps.back();
  CHECK(f.history.task_name(last.task) == "main");
  CHECK(last.kind == sim::OpKind::Read);
  CHECK(last.value == "-60");
  int writes = 0;
  for (const sim::HistoryStep& s : f.history.steps) {
    if (s.kind == sim::OpKind::Write) ++writes;
  }
  CHECK(writes == 2);
}

TEST_CASE("the withdrawal under a mutex never fails in 10,000 executions") {
  sim::Report r = sim::require_no_failure(bank_locked_2t, {.iterations = 10000, .seed = 1});
  CHECK(r.ok());
  CHECK(r.executions == 10000);
}

TEST_CASE("the locked withdrawal passes under other seeds too") {
  for (std::uint64_t seed : {2u, 3u, 42u}) {
    CAPTURE(seed);
    sim::Report r = sim::check_random(bank_locked_2t, {.iterations = 1000, .seed = seed});
    CHECK(r.ok());
    CHECK(r.executions == 1000);
  }
}

TEST_CASE("a += on a Shared is a read then a write, so two increments can lose one") {
  auto body = [] {
    sim::Shared<int> counter{0, "counter"};
    auto bump = [&] { counter += 1; };
    sim::Thread a(bump, "a"), b(bump, "b");
    a.join();
    b.join();
    sim::check(counter.load() == 2, "an increment was lost");
  };
  sim::Failure f = sim::require_failure(body, sim::FailureKind::AssertionFailed, {.iterations = 200, .seed = 1});
  CHECK(f.message == "an increment was lost");
}

TEST_CASE("an Atomic fetch_add never loses an increment") {
  auto body = [] {
    sim::Atomic<int> counter{0, "counter"};
    auto bump = [&] { counter.fetch_add(1); };
    sim::Thread a(bump, "a"), b(bump, "b"), c(bump, "c");
    a.join();
    b.join();
    c.join();
    sim::check(counter.load() == 3, "an increment was lost");
  };
  sim::require_no_failure(body, {.iterations = 2000, .seed = 1});
}

TEST_CASE("a compare-exchange withdrawal never overdraws") {
  auto body = [] {
    sim::Atomic<int> balance{100, "balance"};
    auto withdraw = [&] {
      int seen = balance.load();
      while (seen >= 80 && !balance.compare_exchange_strong(seen, seen - 80)) {
      }
    };
    sim::Thread alice(withdraw, "alice"), bob(withdraw, "bob");
    alice.join();
    bob.join();
    sim::check(balance.load() == 20, "exactly one withdrawal goes through");
  };
  sim::require_no_failure(body, {.iterations = 2000, .seed = 1});
}
