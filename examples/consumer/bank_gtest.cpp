// A user's GoogleTest test, built outside the interleave tree against an installed interleave:
// the overdraft two unlocked withdrawals allow is found and replayed from its token.
#include <interleave/gtest.hpp>

#include "bank.hpp"

TEST(Bank, UnlockedWithdrawalsCanOverdraw) {
  sim::Failure found;  // found, then replayed from its token by finds_failure
  ASSERT_TRUE(sim::finds_failure(bank::racy_withdrawals, sim::FailureKind::AssertionFailed, &found));
  EXPECT_EQ(found.message, "balance went negative");
}

TEST(Bank, LockedWithdrawalsKeepTheBalance) { EXPECT_TRUE(sim::no_failure(bank::locked_withdrawals, {.iterations = 500})); }
