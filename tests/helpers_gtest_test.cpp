// The GoogleTest helpers in a GoogleTest program: a race found and replayed, a locked body that
// passes. The DISABLED_ tests fail on purpose: tests/helpers_test.cpp runs them to read their messages.
#include "interleave/gtest.hpp"

#include "tests/bodies.hpp"

TEST(Bank, FindsTheOverdraftAndReplaysIt) {
  sim::Failure found;
  ASSERT_TRUE(sim::finds_failure(bodies::bank_race_2t, sim::FailureKind::AssertionFailed, &found));
  EXPECT_EQ(found.message, "balance went negative");
  EXPECT_EQ(found.token.rfind("v2.", 0), 0u);
}

TEST(Bank, LockedWithdrawalsPass) {
  sim::Report report;
  EXPECT_TRUE(sim::no_failure(bodies::bank_locked_2t, {.iterations = 300}, &report));
  EXPECT_EQ(report.executions, 300u);
}

TEST(Bank, DISABLED_FailsRacyWithdrawals) { EXPECT_TRUE(sim::no_failure(bodies::bank_race_2t)); }

TEST(Bank, DISABLED_FailsLockedWithdrawalsHaveNoRace) {
  EXPECT_TRUE(sim::finds_failure(bodies::bank_locked_2t, sim::FailureKind::DataRace, nullptr, {.iterations = 50}));
}
