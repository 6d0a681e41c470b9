// doctest integration: checks that run a body under interleave and print the whole story on failure.
//
//   TEST_CASE("withdrawals keep the balance") {
//     sim::require_no_failure(body);                         // explores; fails with the story
//     sim::require_failure(racy, sim::FailureKind::AssertionFailed);  // found, and replayed
//   }
#pragma once

#include <doctest/doctest.h>

#include "interleave/command_line.hpp"
#include "interleave/interleave.hpp"

namespace sim {

// Both helpers take the executable's --interleave-... arguments over `options` (see
// interleave/command_line.hpp).

// Explore `body`; fail the test with the full report if any finding turns up.
inline Report require_no_failure(const std::function<void()>& body, CheckOptions options = {}) {
  options = with_command_line(options);
  Report report = check_random(body, options);
  if (!report.ok()) FAIL(to_text(report, {.timing = false}));
  return report;
}

// Explore `body` until a finding of `kind` turns up, then replay its token and require the same
// finding again. Returns the finding (with its token and history).
inline Failure require_failure(const std::function<void()>& body, FailureKind kind, CheckOptions options = {}) {
  options = with_command_line(options);
  Report report = check_random(body, options);
  const Failure* found = report.find(kind);
  if (found == nullptr) {
    FAIL("expected a " << to_string(kind) << " finding; got:\n" << to_text(report, {.timing = false}));
  }
  Report again = replay(body, found->token, options.limits, options.checks);
  const Failure* replayed = again.find(kind);
  if (replayed == nullptr || !replayed->same_place(*found)) {
    FAIL("token " << found->token << " did not replay the " << to_string(kind) << ":\n"
                  << to_text(again, {.timing = false}));
  }
  return *found;
}

}  // namespace sim
