// testing: what the test-framework helpers share (interleave/doctest.hpp, gtest.hpp, catch2.hpp):
// the check each runs, and the text a failing test shows - the report with each finding's story,
// its token, and the command that replays it in this test program:
//
//   replay: INTERLEAVE_REPLAY=v2.TOKEN ./bank_test --gtest_filter=Bank.Overdraws
//
// Every check takes the INTERLEAVE_REPLAY, INTERLEAVE_SEED and INTERLEAVE_ITERATIONS environment
// switches and the program's --interleave-plain-accesses=switch|watch argument over the options
// the test gave (docs/use-in-your-project.md). A bad value in either prints a diagnostic and
// ends the program with status 2.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "interleave/command_line.hpp"
#include "interleave/interleave.hpp"

namespace sim::testing {

// The running test, for the replay line: the arguments that run it alone in this program
// (already quoted for a shell), e.g. "--gtest_filter=Bank.Overdraws". The program is argv[0].
struct TestRun {
  std::string filter;
};

// check_random under this process's switches: the replay of INTERLEAVE_REPLAY's token if set,
// else the search with INTERLEAVE_SEED and INTERLEAVE_ITERATIONS over `options`. For code that
// calls interleave from a test framework without the helpers.
Report check(const std::function<void()>& body, CheckOptions options = {});

// A helper's check. `problem` is empty when the expectation held, else the whole message the
// framework should fail the test with.
struct Verdict {
  Report report;                 // the search (or the replay INTERLEAVE_REPLAY asked for)
  std::optional<Failure> found;  // expect_failure: the finding, replayed from its token
  std::string problem;
};

// Explores `body` (check); expects no finding at all.
Verdict expect_no_failure(const std::function<void()>& body, const CheckOptions& options, const TestRun& test);
// Explores `body` until a finding of `kind` turns up, replays its token and expects the same
// finding at the same place again.
Verdict expect_failure(const std::function<void()>& body, FailureKind kind, const CheckOptions& options, const TestRun& test);

// A word for a shell: left alone if safe, else in single quotes.
std::string shell_quote(std::string_view word);

}  // namespace sim::testing
