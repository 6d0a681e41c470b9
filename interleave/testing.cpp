// The test-framework helpers' shared check: search, replay, and the message a failing test shows.
#include "interleave/testing.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "interleave/environment.hpp"

namespace sim::testing {

namespace {

// argv[0] of this process, as the shell that started it wrote it.
std::string program_name() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string argv0;
  std::getline(in, argv0, '\0');
  return argv0.empty() ? "TEST-PROGRAM" : argv0;
}

// Read at each check (a test may set them for one check). A bad value is bad input to the
// program: told, then exit status 2, as for a bad --interleave-... argument.
Environment environment() {
  try {
    return read_environment();
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "interleave: %s\n", e.what());
    std::exit(2);
  }
}

checker::TextOptions text_options(const TestRun& test) {
  checker::TextOptions options;
  options.timing = false;
  options.replay_hint = "INTERLEAVE_REPLAY={token} " + shell_quote(program_name());
  if (!test.filter.empty()) options.replay_hint += " " + test.filter;
  return options;
}

// Said when INTERLEAVE_REPLAY is set: a token replays only in the test it came from.
std::string replay_note(const Environment& env) {
  if (!env.replay_token) return "";
  return "\n(INTERLEAVE_REPLAY is set: every check in this program replays that one token, which fits only "
         "the test it came from; run that test alone)";
}

}  // namespace

Report check(const std::function<void()>& body, CheckOptions options) {
  const Environment env = environment();
  options = with_command_line(options);
  if (env.replay_token) return replay(body, *env.replay_token, options.limits, options.checks);
  if (env.seed) options.seed = *env.seed;
  if (env.iterations) options.iterations = *env.iterations;
  return check_random(body, options);
}

std::string shell_quote(std::string_view word) {
  const bool safe = !word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./+:=,@%") ==
                                         std::string_view::npos;
  if (safe) return std::string(word);
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

Verdict expect_no_failure(const std::function<void()>& body, const CheckOptions& options, const TestRun& test) {
  Verdict verdict;
  verdict.report = check(body, options);
  if (!verdict.report.ok()) verdict.problem = to_text(verdict.report, text_options(test)) + replay_note(environment());
  return verdict;
}

Verdict expect_failure(const std::function<void()>& body, FailureKind kind, const CheckOptions& options, const TestRun& test) {
  Verdict verdict;
  verdict.report = check(body, options);
  const Failure* found = verdict.report.find(kind);
  if (found == nullptr) {
    verdict.problem = "expected a " + std::string(to_string(kind)) + " finding; got:\n" +
                      to_text(verdict.report, text_options(test)) + replay_note(environment());
    return verdict;
  }
  const CheckOptions applied = with_command_line(options);
  const Report again = replay(body, found->token, applied.limits, applied.checks);
  const Failure* replayed = again.find(kind);
  if (replayed == nullptr || !replayed->same_place(*found)) {
    verdict.problem = "token " + found->token + " did not replay the " + std::string(to_string(kind)) + ":\n" +
                      to_text(again, text_options(test));
    return verdict;
  }
  verdict.found = *found;
  return verdict;
}

}  // namespace sim::testing
