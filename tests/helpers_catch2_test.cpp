// The Catch2 helpers in a Catch2 program: a race found and replayed, a locked body that passes.
// The hidden ([.]) cases fail on purpose: tests/helpers_test.cpp runs them to read their messages.
#define CATCH_CONFIG_MAIN
#include "interleave/catch2.hpp"

#include "tests/helpers_cases.hpp"

TEST_CASE("fails: racy withdrawals, no_failure", "[.]") {
  sim::require_no_failure(bodies::bank_race_2t);
}

TEST_CASE("fails: locked withdrawals, require_failure", "[.]") {
  sim::require_failure(bodies::bank_locked_2t, sim::FailureKind::DataRace, {.iterations = 50});
}
