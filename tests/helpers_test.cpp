// Tests the test-framework helpers from outside, as a CI log shows them: for doctest, GoogleTest
// and Catch2, a failing check's message holds the story, the token and a replay command; that
// command, run as printed, replays the one token in that test program (INTERLEAVE_REPLAY); and a
// bad INTERLEAVE_* value ends the program with a message saying what is wrong and status 2.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>
#include <vector>
#include "text_support.hpp"

namespace {

struct Framework {
  std::string name;
  std::string program;
  std::string hidden;        // the flag that lets the test programs' failing-on-purpose tests run
  std::string racy_test;     // arguments that run the hidden test whose body races
  std::string passing_test;  // arguments that run one passing test
};

const std::vector<Framework>& frameworks() {
  static const std::vector<Framework> all{
      {"doctest", HELPERS_DOCTEST, "--no-skip=true", "-tc='fails: require_no_failure on the racy*'",
       "-tc='require_no_failure passes the locked withdrawals'"},
      {"gtest", HELPERS_GTEST, "--gtest_also_run_disabled_tests", "--gtest_filter=Bank.DISABLED_FailsRacyWithdrawals",
       "--gtest_filter=Bank.LockedWithdrawalsPass"},
      {"catch2", HELPERS_CATCH2, "", "'fails: racy withdrawals*'", "'require_no_failure passes the locked withdrawals'"},
  };
  return all;
}

struct Run {
  int status = -1;
  std::string out;
};

Run shell(const std::string& command) {
  std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  Run run;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) run.out.append(buf, n);
  const int raw = ::pclose(pipe);
  run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return run;
}

// The text after the first "label" on a line, to the end of that line.
std::string after(const std::string& text, const std::string& label) {
  const std::size_t at = text.find(label);
  if (at == std::string::npos) return "";
  const std::size_t start = at + label.size();
  return text.substr(start, text.find('\n', start) - start);
}

}  // namespace

TEST_CASE("a failing check's message holds the story, the token and a replay command that replays it") {
  for (const Framework& f : frameworks()) {
    CAPTURE(f.name);
    const Run failed = shell("'" + f.program + "' " + f.hidden + " " + f.racy_test);
    CHECK(failed.status != 0);
    CHECK(contains(failed.out, "AssertionFailed: "));
    CHECK(contains(failed.out, "balance went negative"));
    CHECK(contains(failed.out, "History ("));
    const std::string token = after(failed.out, "token:  ");
    CAPTURE(failed.out);
    REQUIRE(token.rfind("v2.", 0) == 0);
    const std::string replay = after(failed.out, "replay: ");
    REQUIRE(replay.rfind("INTERLEAVE_REPLAY=" + token + " " + f.program + " ", 0) == 0);

    // The printed command replays the one token: the same first finding, in one execution.
    const Run again = shell(replay + " " + f.hidden);
    CAPTURE(again.out);
    CHECK(again.status != 0);
    CHECK(contains(again.out, "in 1 execution"));
    CHECK(after(again.out, "token:  ") == token);
  }
}

TEST_CASE("a bad INTERLEAVE_* value ends the program with status 2 and a message saying what is wrong") {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"INTERLEAVE_SEED=abc", "INTERLEAVE_SEED='abc': expected a whole number from 0 to 18446744073709551615"},
      {"INTERLEAVE_SEED=-1", "INTERLEAVE_SEED='-1': expected a whole number"},
      {"INTERLEAVE_SEED=18446744073709551616", "INTERLEAVE_SEED='18446744073709551616': expected a whole number"},
      {"INTERLEAVE_ITERATIONS=0", "INTERLEAVE_ITERATIONS='0': expected a whole number from 1 to 1099511627776"},
      {"INTERLEAVE_ITERATIONS=12x", "INTERLEAVE_ITERATIONS='12x': expected a whole number"},
      {"INTERLEAVE_REPLAY=v2.!!", "INTERLEAVE_REPLAY='v2.!!': not a replay token: "},
      {"INTERLEAVE_REPLAY=banana", "INTERLEAVE_REPLAY='banana': not a replay token: "},
  };
  for (const Framework& f : frameworks()) {
    CAPTURE(f.name);
    const Run fine = shell("'" + f.program + "' " + f.passing_test);
    CAPTURE(fine.out);
    CHECK(fine.status == 0);
    for (const auto& [assignment, message] : cases) {
      CAPTURE(assignment);
      const Run bad = shell(assignment + " '" + f.program + "' " + f.passing_test);
      CAPTURE(bad.out);
      CHECK(bad.status == 2);  // bad input to the program, as a bad --interleave-... argument
      CHECK(contains(bad.out, "interleave: " + message));
    }
  }
}
