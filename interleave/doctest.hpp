// doctest helpers: checks that run a body under interleave and fail the test with the whole
// story, the token and the command that replays it in this program.
//
//   TEST_CASE("withdrawals keep the balance") {
//     sim::require_no_failure(body);                                  // explores; fails with the story
//     sim::require_failure(racy, sim::FailureKind::AssertionFailed);  // found, and replayed
//   }
//
// INTERLEAVE_REPLAY, INTERLEAVE_SEED and INTERLEAVE_ITERATIONS in the environment, and
// --interleave-plain-accesses=switch|watch on the program's command line, change every check
// (docs/use-in-your-project.md); a failure's replay line names the token and -tc=TEST.
#pragma once

#include <doctest/doctest.h>

#include "interleave/testing.hpp"

namespace sim {

namespace detail {
// -tc=NAME runs the test alone; doctest splits filters at commas unless escaped.
inline testing::TestRun doctest_test_run() {
  const doctest::ContextOptions* context = doctest::getContextOptions();
  if (context == nullptr || context->currentTest == nullptr) return {};
  std::string name;
  for (const char* c = context->currentTest->m_name; *c != '\0'; ++c) name += *c == ',' ? std::string("\\,") : std::string(1, *c);
  return {.filter = testing::shell_quote("-tc=" + name)};
}
}  // namespace detail

// Explore `body`; fail the test with the full report if any finding turns up.
inline Report require_no_failure(const std::function<void()>& body, CheckOptions options = {}) {
  testing::Verdict verdict = testing::expect_no_failure(body, options, detail::doctest_test_run());
  if (!verdict.problem.empty()) FAIL(verdict.problem);
  return std::move(verdict.report);
}

// Explore `body` until a finding of `kind` turns up, then replay its token and require the same
// finding again. Returns the finding (with its token and history).
inline Failure require_failure(const std::function<void()>& body, FailureKind kind, CheckOptions options = {}) {
  testing::Verdict verdict = testing::expect_failure(body, kind, options, detail::doctest_test_run());
  if (!verdict.problem.empty()) FAIL(verdict.problem);
  return std::move(*verdict.found);
}

}  // namespace sim
