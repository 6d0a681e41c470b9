// Catch2 (v2, <catch2/catch.hpp>) helpers: checks that run a body under interleave and fail the
// test with the whole story, the token and the command that replays it in this program.
//
//   TEST_CASE("withdrawals keep the balance") {
//     sim::require_no_failure(body);                                  // explores; fails with the story
//     sim::require_failure(racy, sim::FailureKind::AssertionFailed);  // found, and replayed
//   }
//
// INTERLEAVE_REPLAY, INTERLEAVE_SEED and INTERLEAVE_ITERATIONS in the environment, and
// --interleave-plain-accesses=switch|watch on the program's command line, change every check
// (docs/use-in-your-project.md); a failure's replay line names the token and the test's name.
//
// Catch2's console reporter wraps every line at CATCH_CONFIG_CONSOLE_WIDTH (80 unless set), which
// would break the replay command in two: included before Catch2 in the file that defines
// CATCH_CONFIG_MAIN (or CATCH_CONFIG_RUNNER), this header sets it to 160 unless already set.
#pragma once

#ifndef CATCH_CONFIG_CONSOLE_WIDTH
#define CATCH_CONFIG_CONSOLE_WIDTH 160
#endif
#include <catch2/catch.hpp>

#include "interleave/testing.hpp"

namespace sim {

namespace detail {
// The test's name as Catch2 reads it on the command line: its special characters escaped.
inline testing::TestRun catch2_test_run() {
  std::string name;
  for (char c : Catch::getResultCapture().getCurrentTestName()) {
    if (c == '\\' || c == ',' || c == '[' || c == ']' || c == '*' || c == '~' || c == '"') name += '\\';
    name += c;
  }
  return {.filter = testing::shell_quote(name)};
}
}  // namespace detail

// Explore `body`; fail the test with the full report if any finding turns up.
inline Report require_no_failure(const std::function<void()>& body, CheckOptions options = {}) {
  testing::Verdict verdict = testing::expect_no_failure(body, options, detail::catch2_test_run());
  if (!verdict.problem.empty()) FAIL(verdict.problem);
  return std::move(verdict.report);
}

// Explore `body` until a finding of `kind` turns up, then replay its token and require the same
// finding again. Returns the finding (with its token and history).
inline Failure require_failure(const std::function<void()>& body, FailureKind kind, CheckOptions options = {}) {
  testing::Verdict verdict = testing::expect_failure(body, kind, options, detail::catch2_test_run());
  if (!verdict.problem.empty()) FAIL(verdict.problem);
  return std::move(*verdict.found);
}

}  // namespace sim
