// A user's test, built outside the interleave tree against an installed interleave: doctest finds
// the overdraft two unlocked withdrawals allow, and replays it from its token.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <interleave/doctest.hpp>

#include "bank.hpp"

TEST_CASE("two unlocked withdrawals can overdraw the account: found, and replayed from its token") {
  // Explores until the check fails, replays the token, and requires the same failure again.
  const sim::Failure found = sim::require_failure(bank::racy_withdrawals, sim::FailureKind::AssertionFailed);
  CHECK(found.message == "balance went negative");

  // The same, by hand: the token alone brings the failure back.
  const sim::Report again = sim::replay(bank::racy_withdrawals, found.token);
  const sim::Failure* replayed = again.find(sim::FailureKind::AssertionFailed);
  REQUIRE(replayed != nullptr);
  CHECK(replayed->same_place(found));
}

TEST_CASE("with the lock, no interleaving overdraws") {
  const sim::Report report = sim::require_no_failure(bank::locked_withdrawals, {.iterations = 500});
  CHECK(report.executions == 500);
}
