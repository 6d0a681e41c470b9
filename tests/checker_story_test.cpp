// Tests the story text of a report: summary, headline, token, history table and per-task columns.
#include <doctest/doctest.h>

#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "tests/bodies.hpp"
#include "interleave/interleave.hpp"
#include "sim/explore/random_strategy.hpp"
#include "text_support.hpp"

namespace {

using bodies::bank_race_2t;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Splits "  step | a | b" into its cells, trimmed.
std::vector<std::string> cells(const std::string& row) {
  std::vector<std::string> out;
  std::istringstream in(row);
  for (std::string cell; std::getline(in, cell, '|');) {
    cell.erase(0, cell.find_first_not_of(' '));
    cell.erase(cell.find_last_not_of(' ') + 1);
    out.push_back(cell);
  }
  return out;
}

void crossed_locks() {
  sim::Mutex a{"a"}, b{"b"};
  sim::Thread alice(
      [&] {
        sim::LockGuard x(a);
        sim::LockGuard y(b);
      },
      "alice");
  sim::Thread bob(
      [&] {
        sim::LockGuard x(b);
        sim::LockGuard y(a);
      },
      "bob");
  alice.join();
  bob.join();
}

// The report's first failure, after checking that its token replays it.
const sim::Failure& first(const sim::Report& r, const std::function<void()>& body) {
  REQUIRE_FALSE(r.failures.empty());
  const sim::Failure& f = r.failures.front();
  sim::Report again = sim::replay(body, f.token);
  REQUIRE_FALSE(again.failures.empty());
  CHECK(again.failures.front().same_place(f));
  return f;
}

}  // namespace

TEST_CASE("the report text has a summary, the headline, where, how found and the token") {
  sim::Report r = sim::check_random(bank_race_2t, {.iterations = 100, .seed = 1, .checks = {.races = false}});
  const sim::Failure& f = first(r, bank_race_2t);
  const std::string text = sim::to_text(r, {.timing = false});
  CAPTURE(text);
  const std::string summary = "interleave: 1 failure (AssertionFailed) in " + std::to_string(r.executions) +
                              " execution" + (r.executions == 1 ? "" : "s") + " [random seed=1]";
  CHECK(text.rfind(summary, 0) == 0);
  CHECK(contains(text, "AssertionFailed: balance went negative\n"));
  CHECK(contains(text, sim::to_string(bodies::bank_race_checked) + " (task main)\n"));
  CHECK(contains(text, "  found:  execution " + std::to_string(f.execution) + " (random seed=1"));
  CHECK(contains(text, "  token:  " + f.token + "\n"));
  CHECK_FALSE(contains(text, "warning"));
  // Timing is in the summary only when asked for.
  CHECK(contains(sim::to_text(r), " s [random"));
  CHECK_FALSE(contains(text, " s [random"));
}

TEST_CASE("the history table lists every step with its task, operation and place") {
  sim::Report r = sim::check_random(bank_race_2t, {.iterations = 100, .seed = 1, .checks = {.races = false}});
  const sim::Failure& f = first(r, bank_race_2t);
  const std::string text = checker::story(f, {.timing = false});
  CAPTURE(text);
  CHECK(contains(text, "History (" + std::to_string(f.history.steps.size()) + " steps, "));
  CHECK(contains(text, "preemption"));
  CHECK(contains(text, "step  task"));
  CHECK(contains(text, "operation"));
  CHECK(contains(text, "spawn alice"));
  CHECK(contains(text, "spawn bob"));
  CHECK(contains(text, "read balance → 100"));
  CHECK(contains(text, "write balance ← 20"));
  CHECK(contains(text, "write balance ← -60"));
  CHECK(contains(text, "read balance → -60"));
  CHECK(contains(text, "join alice"));
  // One table row per step, numbered in order.
  const std::vector<std::string> lines = lines_of(text);
  std::size_t rows = 0;
  for (const sim::HistoryStep& s : f.history.steps) {
    const std::string number = std::to_string(sim::index(s.step));
    for (const std::string& line : lines) {
      const std::size_t at = line.find_first_not_of(' ');
      if (at != std::string::npos && line.compare(at, number.size() + 2, number + "  ") == 0 &&
          contains(line, f.history.task_name(s.task)) &&
          (s.kind == sim::OpKind::Finish || contains(line, sim::to_string(s.where)))) {
        ++rows;
        break;
      }
    }
  }
  CHECK(rows == f.history.steps.size());
}

TEST_CASE("the per-task columns put each step under its own task") {
  sim::Report r = sim::check_random(bank_race_2t, {.iterations = 100, .seed = 1, .checks = {.races = false}});
  const sim::Failure& f = first(r, bank_race_2t);
  const std::vector<std::string> lines = lines_of(checker::story(f, {.timing = false}));
  std::size_t at = 0;
  while (at < lines.size() && lines[at] != "By task:") ++at;
  REQUIRE(at + 1 < lines.size());
  const std::vector<std::string> header = cells(lines[at + 1]);
  REQUIRE(header.size() == 4);
  CHECK(header[0] == "step");
  CHECK(header[1] == "main");
  CHECK(header[2] == "alice");
  CHECK(header[3] == "bob");
  REQUIRE(at + 2 + f.history.steps.size() <= lines.size());
  for (std::size_t i = 0; i < f.history.steps.size(); ++i) {
    const sim::HistoryStep& s = f.history.steps[i];
    std::vector<std::string> row = cells(lines[at + 2 + i]);
    row.resize(header.size());
    CAPTURE(lines[at + 2 + i]);
    CHECK(row[0] == std::to_string(sim::index(s.step)));
    for (std::size_t col = 1; col < header.size(); ++col) {
      CHECK(row[col].empty() == (header[col] != f.history.task_name(s.task)));
    }
  }
}

TEST_CASE("a deadlock story lists each blocked task and what it waits for") {
  sim::Report r = sim::check_random(crossed_locks, {.iterations = 100, .seed = 1});
  const sim::Failure& f = first(r, crossed_locks);
  const std::string text = sim::to_text(r, {.timing = false});
  CAPTURE(text);
  CHECK(contains(text, "Deadlock: " + f.message + "\n"));
  CHECK(contains(f.message, "3 tasks are blocked"));
  CHECK(contains(text, "  - alice waits to lock b, held by bob"));
  CHECK(contains(text, "  - bob waits to lock a, held by alice"));
  CHECK(contains(text, "lock a"));
  CHECK(contains(text, "lock b"));
  // The history ends where the tasks blocked: no one released a lock before the deadlock, so
  // the unlocks done while the runtime unwinds the stopped tasks are not part of the story.
  for (const sim::HistoryStep& s : f.history.steps) {
    CAPTURE(sim::index(s.step));
    CHECK(s.kind != sim::OpKind::Unlock);
  }
}

TEST_CASE("a replay hint is printed with the token filled in") {
  sim::Report r = sim::check_random(bank_race_2t, {.iterations = 100, .seed = 1, .checks = {.races = false}});
  const sim::Failure& f = first(r, bank_race_2t);
  const std::string text = sim::to_text(r, {.timing = false, .replay_hint = "interleave replay bank {token}"});
  CHECK(contains(text, "  replay: interleave replay bank " + f.token + "\n"));
}

TEST_CASE("a clean report is one line") {
  sim::Report r = sim::check_random(
      [] {
        sim::Shared<int> x{1, "x"};
        sim::check(x.load() == 1);
      },
      {.iterations = 10, .seed = 4});
  CHECK(sim::to_text(r, {.timing = false}) == "interleave: no failure in 10 executions [random seed=4]\n");
}

TEST_CASE("a long history keeps its tail and says how much was left out") {
  auto body = [] {
    sim::Atomic<int> n{0, "n"};
    sim::Thread t(
        [&] {
          for (int i = 0; i < 50; ++i) n.fetch_add(1);
        },
        "counter");
    t.join();
    sim::check(n.load() == 0, "counted");
  };
  sim::Runner runner({.iterations = 5, .limits = {.history_steps = 10}});
  sim::RandomStrategy strategy(1);
  sim::Report r = runner.run(body, strategy);
  const sim::Failure& f = first(r, body);
  CHECK(f.history.steps.size() == 10);
  CHECK(f.history.dropped > 0);
  const std::string text = checker::story(f, {.timing = false});
  CHECK(contains(text, "... " + std::to_string(f.history.dropped) + " earlier steps not kept (the limit is ExecutionLimits::history_steps"));
  CHECK(contains(text, "History (" + std::to_string(f.history.dropped + 10) + " steps"));
}

TEST_CASE("a nondeterministic body is flagged in the story with a warning") {
  static int runs = 0;
  runs = 0;
  sim::Report r = sim::check_random([] { sim::check(++runs != 2, "second run"); }, {.iterations = 5, .seed = 1});
  const std::string text = sim::to_text(r, {.timing = false});
  CHECK(contains(text, "warning: this token may not replay"));
  CHECK(contains(text, "nondeterministic"));
}
