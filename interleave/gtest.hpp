// GoogleTest helpers: predicates for EXPECT_TRUE / ASSERT_TRUE whose failure message is the whole
// story, the token and the command that replays it in this program.
//
//   TEST(Bank, LockedWithdrawalsKeepTheBalance) {
//     EXPECT_TRUE(sim::no_failure(locked_withdrawals));         // explores; fails with the story
//   }
//   TEST(Bank, UnlockedWithdrawalsOverdraw) {
//     sim::Failure found;
//     ASSERT_TRUE(sim::finds_failure(racy_withdrawals, sim::FailureKind::AssertionFailed, &found));
//     EXPECT_EQ(found.message, "balance went negative");        // found, and replayed
//   }
//
// INTERLEAVE_REPLAY, INTERLEAVE_SEED and INTERLEAVE_ITERATIONS in the environment, and
// --interleave-plain-accesses=switch|watch on the program's command line, change every check
// (docs/use-in-your-project.md); a failure's replay line names the token and --gtest_filter.
#pragma once

#include <gtest/gtest.h>

#include "interleave/testing.hpp"

namespace sim {

namespace detail {
inline testing::TestRun gtest_test_run() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (info == nullptr) return {};
  return {.filter = testing::shell_quote(std::string("--gtest_filter=") + info->test_suite_name() + "." + info->name())};
}
}  // namespace detail

// Explore `body`; true if no finding turned up, else false with the full report. `report`, if
// given, receives the report either way.
inline ::testing::AssertionResult no_failure(const std::function<void()>& body, CheckOptions options = {},
                                             Report* report = nullptr) {
  testing::Verdict verdict = testing::expect_no_failure(body, options, detail::gtest_test_run());
  if (report != nullptr) *report = std::move(verdict.report);
  if (!verdict.problem.empty()) return ::testing::AssertionFailure() << verdict.problem;
  return ::testing::AssertionSuccess();
}

// Explore `body` until a finding of `kind` turns up, then replay its token: true if the same
// finding came back, with the finding (token, history) in `found` if given; else false with the
// report.
inline ::testing::AssertionResult finds_failure(const std::function<void()>& body, FailureKind kind, Failure* found = nullptr,
                                                CheckOptions options = {}) {
  testing::Verdict verdict = testing::expect_failure(body, kind, options, detail::gtest_test_run());
  if (!verdict.problem.empty()) return ::testing::AssertionFailure() << verdict.problem;
  if (found != nullptr) *found = std::move(*verdict.found);
  return ::testing::AssertionSuccess();
}

}  // namespace sim
