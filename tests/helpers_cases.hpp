// The passing cases the doctest and Catch2 helper programs share (both frameworks spell TEST_CASE
// and CHECK alike); include after the framework's helper header.
#pragma once

#include "tests/bodies.hpp"

TEST_CASE("require_failure finds the overdraft and replays it") {
  const sim::Failure found = sim::require_failure(bodies::bank_race_2t, sim::FailureKind::AssertionFailed);
  CHECK(found.message == "balance went negative");
  CHECK(found.token.rfind("v2.", 0) == 0);
}

TEST_CASE("require_no_failure passes the locked withdrawals") {
  const sim::Report report = sim::require_no_failure(bodies::bank_locked_2t, {.iterations = 300});
  CHECK(report.executions == 300);
}
