// The doctest helpers in a doctest program: a race found and replayed, a locked body that passes.
// The skipped cases fail on purpose: tests/helpers_test.cpp runs them to read their messages.
#include "interleave/doctest.hpp"

#include <cstdlib>

#include "tests/helpers_cases.hpp"

namespace {

// Sets an environment variable for one scope.
struct SetEnv {
  SetEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
  ~SetEnv() { ::unsetenv(name_); }
  SetEnv(const SetEnv&) = delete;
  SetEnv& operator=(const SetEnv&) = delete;
  const char* name_;
};

}  // namespace

TEST_CASE("fails: require_no_failure on the racy withdrawals, story and token in the message" * doctest::skip()) {
  sim::require_no_failure(bodies::bank_race_2t);
}

TEST_CASE("fails: require_failure on the locked withdrawals" * doctest::skip()) {
  sim::require_failure(bodies::bank_locked_2t, sim::FailureKind::DataRace, {.iterations = 50});
}

TEST_CASE("INTERLEAVE_ITERATIONS and INTERLEAVE_SEED override what the test asked for") {
  {
    const SetEnv iterations("INTERLEAVE_ITERATIONS", "7");
    CHECK(sim::testing::check(bodies::bank_locked_2t, {.iterations = 300}).executions == 7);
    CHECK(sim::require_no_failure(bodies::bank_locked_2t, {.iterations = 300}).executions == 7);
    // check_random itself reads no switch: the interleave command calls it, and has flags.
    CHECK(sim::check_random(bodies::bank_locked_2t, {.iterations = 300}).executions == 300);
  }
  CHECK(sim::testing::check(bodies::bank_locked_2t, {.iterations = 300}).executions == 300);
  // Some seed finds the overdraft in a later execution than seed 1 does; the variable gives that seed's search.
  const sim::Report first = sim::check_random(bodies::bank_race_2t, {.seed = 1});
  std::uint64_t seed = 2;
  sim::Report other = sim::check_random(bodies::bank_race_2t, {.seed = seed});
  for (; other.executions == first.executions && seed < 50; other = sim::check_random(bodies::bank_race_2t, {.seed = ++seed})) {
  }
  REQUIRE(other.executions != first.executions);
  const SetEnv variable("INTERLEAVE_SEED", std::to_string(seed).c_str());
  const sim::Report overridden = sim::testing::check(bodies::bank_race_2t, {.seed = 1});
  CHECK(overridden.executions == other.executions);
  REQUIRE(!overridden.failures.empty());
  CHECK(overridden.failures.front().token == other.failures.front().token);
}

TEST_CASE("INTERLEAVE_REPLAY replays the token instead of searching") {
  const sim::Report found = sim::check_random(bodies::bank_race_2t);
  const sim::Failure* overdraft = found.find(sim::FailureKind::AssertionFailed);
  REQUIRE(overdraft != nullptr);
  const SetEnv replay("INTERLEAVE_REPLAY", overdraft->token.c_str());
  const sim::Report replayed = sim::testing::check(bodies::bank_race_2t, {.iterations = 500});
  CHECK(replayed.executions == 1);
  const sim::Failure* again = replayed.find(sim::FailureKind::AssertionFailed);
  REQUIRE(again != nullptr);
  CHECK(again->same_place(*overdraft));
  CHECK(again->token == overdraft->token);
  // The helper expecting the failure finds it in that one execution, and replays it again.
  const sim::Failure helped = sim::require_failure(bodies::bank_race_2t, sim::FailureKind::AssertionFailed);
  CHECK(helped.token == overdraft->token);
}

TEST_CASE("an empty variable counts as not set") {
  const SetEnv replay("INTERLEAVE_REPLAY", "");
  const SetEnv iterations("INTERLEAVE_ITERATIONS", "");
  CHECK(sim::testing::check(bodies::bank_locked_2t, {.iterations = 40}).executions == 40);
}
