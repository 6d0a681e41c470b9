// The limits on a scenario: nesting, file size and thread count are load errors that name the
// flag raising them (and loading succeeds once it is raised); a long failing run keeps the tail
// of its history with the counts of what it left out; integer overflow is a runtime error.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "checker/story.hpp"
#include "interleave/interleave.hpp"
#include "lang_support.hpp"
#include "text_support.hpp"

namespace {

// The headline of the diagnostic loading `text` under `limits` gives, or "ok".
std::string limits_error(const std::string& text, lang::LoadLimits limits = {}) {
  const lang::Loaded loaded = lang::load_text("t.scn", text, limits);
  return loaded.ok() ? "ok" : loaded.error->headline();
}

// `depth` blocks nested inside thread t, the innermost one assigning x.
std::string nested_blocks(int depth) {
  std::string text = "shared x = 0\nthread t:\n";
  for (int i = 1; i < depth; ++i) text += std::string(static_cast<std::size_t>(i) * 4, ' ') + "if true:\n";
  return text + std::string(static_cast<std::size_t>(depth) * 4, ' ') + "x = 1\n";
}

// A sum of `terms` ones: an expression tree `terms` levels deep (a leaf is one).
std::string long_sum(int terms) {
  std::string text = "shared x = 0\nthread t:\n    x = 1";
  for (int i = 1; i < terms; ++i) text += " + 1";
  return text + "\nfinally:\n    assert x == " + std::to_string(terms) + ", \"the sum\"\n";
}

// One execution of `program`, which must end without a failure.
void runs_clean(const std::shared_ptr<const lang::Program>& program) {
  const sim::ExecutionLimits limits{.stack_size = 512 * 1024};
  const sim::Report r = sim::check_random(lang::make_body(program, {.stack_size = limits.stack_size}),
                                          {.iterations = 2, .seed = 1, .limits = limits});
  CHECK(r.ok());
}

std::shared_ptr<const lang::Program> load_limited(const std::string& text, lang::LoadLimits limits) {
  const lang::Loaded loaded = lang::load_text("t.scn", text, limits);
  REQUIRE_MESSAGE(loaded.ok(), (loaded.error ? loaded.error->render() : std::string()));
  return loaded.program;
}

}  // namespace

TEST_CASE("nested blocks: 100 levels by default, the error names --max-nesting, and raising it loads and runs the file") {
  CHECK(limits_error(nested_blocks(100)) == "ok");
  const std::string deep = limits_error(nested_blocks(101));
  CHECK(deep.rfind("t.scn:103:", 0) == 0);
  CHECK(contains(deep, "error: blocks nested too deeply (more than 100 levels; the limit is --max-nesting)"));
  CHECK(contains(limits_error(nested_blocks(30), {.max_nesting = 20}), "more than 20 levels; the limit is --max-nesting"));
  runs_clean(load_limited(nested_blocks(150), {.max_nesting = 150}));
}

TEST_CASE("expression depth: 100 operators deep by default, the error names --max-nesting, and raising it evaluates the sum") {
  CHECK(limits_error(long_sum(100)) == "ok");
  CHECK(limits_error(long_sum(101)) == "t.scn:3:9: error: expression too deeply nested (more than 100 levels; the limit is --max-nesting); split it with 'let'");
  runs_clean(load_limited(long_sum(300), {.max_nesting = 300}));
  CHECK(contains(limits_error(long_sum(300), {.max_nesting = 299}), "more than 299 levels"));
  // Parentheses nest twice as deep as the limit.
  const std::string parens = "shared x = 0\nthread t:\n    x = " + std::string(300, '(') + "1" + std::string(300, ')') + "\n";
  CHECK(contains(limits_error(parens), "nested too deeply (more than 200 levels of blocks, parentheses and operators; the limit is twice --max-nesting)"));
  runs_clean(load_limited(parens, {.max_nesting = 200}));
}

TEST_CASE("file size: 16 MiB by default; a bigger text or file is refused naming --max-file-size") {
  const std::string text = "shared x = 0\nthread t:\n    x = 1\n";
  CHECK(lang::LoadLimits{}.max_file_size == 16u * 1024 * 1024);
  CHECK(limits_error(text, {.max_file_size = text.size()}) == "ok");
  CHECK(limits_error(text, {.max_file_size = 16}) ==
        "t.scn: error: too big for a scenario file (" + std::to_string(text.size()) + " bytes, more than 16 bytes; the limit is --max-file-size)");
  const std::filesystem::path path = std::filesystem::temp_directory_path() / ("interleave_size_" + std::to_string(::getpid()) + ".scn");
  std::ofstream(path) << text << std::string(2048, '#') << "\n";
  const lang::Loaded big = lang::load_file(path.string(), {.max_file_size = 1024});
  REQUIRE(big.error);
  CHECK(contains(big.error->headline(), "bytes, more than 1 KiB; the limit is --max-file-size)"));
  CHECK(lang::load_file(path.string(), {.max_file_size = 4096}).ok());
  std::filesystem::remove(path);
}

TEST_CASE("a scenario path naming this program's own standard output is refused, not read and waited on") {
  // `interleave run x.scn --json /dev/stdout` takes /dev/stdout for a second scenario; with
  // standard output a pipe, reading it would wait for this very process to close it.
  const lang::Loaded out = lang::load_file("/dev/stdout");
  REQUIRE(out.error);
  CHECK(contains(out.error->headline(), "/dev/stdout: error: is this program's own standard output, not a scenario file"));
  const lang::Loaded err = lang::load_file("/dev/stderr");
  REQUIRE(err.error);
  CHECK(contains(err.error->headline(), "is this program's own standard "));  // "output" when both go to one place
}

TEST_CASE("thread count: 1000 by default; more is an error at the declaration naming --max-tasks") {
  CHECK(limits_error("thread w[1000]:\n    pass\n") == "ok");
  CHECK(limits_error("thread w[1001]:\n    pass\n") == "t.scn:1:10: error: a thread array's size must be a number from 1 to 1000 (the limit is --max-tasks)");
  CHECK(limits_error("thread w[5]:\n    pass\n", {.max_threads = 4}) ==
        "t.scn:1:10: error: a thread array's size must be a number from 1 to 4 (the limit is --max-tasks)");
  CHECK(limits_error("thread a:\n    pass\nthread b:\n    pass\nthread c:\n    pass\n", {.max_threads = 2}) ==
        "t.scn:5:8: error: more than 2 threads (the limit is --max-tasks)");
  runs_clean(load_limited("shared n = 0\nmutex m\nthread w[1100]:\n    lock m:\n        n = n + 1\nfinally:\n    assert n == 1100, \"all ran\"\n",
                  {.max_threads = 1100}));
}

TEST_CASE("a long failing run keeps the last history_steps steps and counts the steps and preemptions it left out") {
  const auto program = lang_test::program(
      "shared n = 0\nthread a:\n    repeat 400:\n        n = n + 1\nthread b:\n    repeat 400:\n        n = n + 1\n"
      "finally:\n    assert n == 800, \"an update was lost\"\n");
  const std::function<void()> body = lang::make_body(program);
  auto first = [&](std::size_t history_steps) {
    const sim::ExecutionLimits limits{.history_steps = history_steps};
    const sim::Report r = sim::check_random(body, {.iterations = 50, .seed = 3, .limits = limits, .checks = {.races = false}, .minimize = {.enabled = false}});
    REQUIRE(r.find(sim::FailureKind::AssertionFailed) != nullptr);
    return *r.find(sim::FailureKind::AssertionFailed);
  };
  const sim::Failure whole = first(100000);
  const sim::Failure tail = first(50);
  REQUIRE(whole.token == tail.token);
  CHECK(whole.history.dropped == 0);
  CHECK(tail.history.steps.size() == 50);
  CHECK(tail.history.dropped == whole.history.steps.size() - 50);
  auto preemptions = [](const sim::History& h) {
    std::uint64_t n = h.dropped_preemptions;
    for (const sim::HistoryStep& s : h.steps) n += s.preempted ? 1 : 0;
    return n;
  };
  CHECK(preemptions(tail.history) == preemptions(whole.history));
  CHECK(preemptions(tail.history) > 0);
  const std::string story = checker::story(tail, {.timing = false});
  CHECK(contains(story, "History (" + std::to_string(whole.history.steps.size()) + " steps, " + std::to_string(preemptions(whole.history))));
  CHECK(contains(story, "earlier steps not kept (the limit is ExecutionLimits::history_steps, --history-steps in interleave)"));
  // The token replays to the same failure.
  const sim::Report again = sim::replay(body, tail.token, {}, {.races = false});
  REQUIRE(!again.failures.empty());
  CHECK(again.failures.front().message == tail.message);
}

TEST_CASE("integer overflow in scenario arithmetic is a runtime error naming the expression, and replays") {
  const auto program = lang_test::program("shared big = 9223372036854775806\nthread a:\n    big = big + 1\nthread b:\n    big = big + 1\n");
  const std::function<void()> body = lang::make_body(program);
  const sim::Report r = sim::check_random(body, {.iterations = 50, .seed = 1, .checks = {.races = false}});
  REQUIRE(!r.failures.empty());
  const sim::Failure& f = r.failures.front();
  CHECK(contains(f.message, "integer overflow in 'big + 1' (9223372036854775807 + 1)"));
  CHECK(f.where.line == 3 + (f.task_name == "b" ? 2u : 0u));
  const sim::Report again = sim::replay(body, f.token, {}, {.races = false});
  REQUIRE(!again.failures.empty());
  CHECK(again.failures.front().message == f.message);
}
