// A user's Catch2 test, built outside the interleave tree against an installed interleave: the
// overdraft two unlocked withdrawals allow is found and replayed from its token.
#define CATCH_CONFIG_MAIN
#include <interleave/catch2.hpp>

#include "bank.hpp"

TEST_CASE("two unlocked withdrawals can overdraw the account: found, and replayed from its token") {
  const sim::Failure found = sim::require_failure(bank::racy_withdrawals, sim::FailureKind::AssertionFailed);
  CHECK(found.message == "balance went negative");
}

TEST_CASE("with the lock, no interleaving overdraws") {
  const sim::Report report = sim::require_no_failure(bank::locked_withdrawals, {.iterations = 500});
  CHECK(report.executions == 500);
}
