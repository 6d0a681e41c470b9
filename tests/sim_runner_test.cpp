// Tests the Runner's loop: clean executions follow each other on the task fibers (Continuation),
// and every execution is still counted, observed, budgeted and told apart from the next.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "interleave/interleave.hpp"
#include "sim/core/observer.hpp"
#include "sim/explore/random_strategy.hpp"
#include "sim/explore/runner.hpp"
#include "explore_support.hpp"

namespace {

// Counts what observers are told, and the findings it hands out after chosen executions.
struct Counting final : sim::Observer {
  std::uint64_t begins = 0, ends = 0, events = 0, clean_ends = 0;
  std::uint64_t report_at = 0;  // hand out a non-fatal finding after this execution (0: never)
  void on_begin(const sim::Execution&) override { ++begins; }
  void on_event(const sim::Execution&, const sim::Event&) override { ++events; }
  void on_end(const sim::Execution&, const sim::Failure* f) override {
    ++ends;
    if (f == nullptr) ++clean_ends;
  }
  void take_findings(std::vector<sim::Failure>& out) override {
    if (ends != report_at) return;
    sim::Failure f;
    f.kind = sim::FailureKind::DataRace;
    f.message = "made up by the test";
    out.push_back(std::move(f));
  }
};

void two_threads() {
  sim::Shared<int> x{0, "x"};
  sim::Thread a([&] { x.store(1); }, "a"), b([&] { x.store(2); }, "b");
  a.join();
  b.join();
}

}  // namespace

TEST_CASE("a budget of clean executions runs each one, and observers see every begin and end") {
  sim::Runner runner(sim::RunOptions{.iterations = 500});
  sim::RandomStrategy strategy(7);
  Counting counting;
  sim::Observer* observers[] = {&counting};
  sim::Report r = runner.run(two_threads, strategy, observers);
  CHECK(r.ok());
  CHECK(r.executions == 500);
  CHECK(counting.begins == 500);
  CHECK(counting.ends == 500);
  CHECK(counting.clean_ends == 500);
  CHECK(counting.events >= 500 * 6);  // two spawns, two stores, two finishes at least
}

TEST_CASE("each execution starts from a fresh state: the body's objects are rebound every time") {
  std::uint64_t runs = 0;
  std::uint64_t wrong = 0;
  auto body = [&] {
    ++runs;
    sim::Shared<int> x{0, "x"};
    sim::Thread t([&] { x.store(x.load() + 1); }, "t");
    t.join();
    if (x.load() != 1) ++wrong;
  };
  sim::Report r = sim::check_random(body, {.iterations = 300, .seed = 3});
  CHECK(r.ok());
  CHECK(r.executions == 300);
  CHECK(runs == 300);
  CHECK(wrong == 0);
}

TEST_CASE("an execution whose last task to finish is not main still hands over to the next one") {
  // A detached thread may outlive main: the execution then ends on that thread's fiber.
  std::uint64_t detached_done = 0;
  auto body = [&] {
    sim::Thread t([&] {
      sim::yield();
      sim::yield();
      ++detached_done;
    }, "late");
    t.detach();
  };
  sim::Report r = sim::check_random(body, {.iterations = 200, .seed = 5});
  CHECK(r.ok());
  CHECK(r.executions == 200);
  CHECK(detached_done == 200);
}

TEST_CASE("a finding handed out between executions is reported and the run goes on to its budget") {
  sim::Runner runner(sim::RunOptions{.iterations = 50, .on_failure = sim::OnFailure::Continue});
  sim::RandomStrategy strategy(1);
  Counting counting;
  counting.report_at = 17;
  sim::Observer* observers[] = {&counting};
  sim::Report r = runner.run(two_threads, strategy, observers);
  CHECK(r.executions == 50);
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0].kind == sim::FailureKind::DataRace);
  CHECK(r.failures[0].execution == 17);
  // The finding's re-run from its token is not one of the budget's executions, and it is
  // watched by the story's recorder only.
  CHECK(counting.ends == 50);
}

TEST_CASE("a fatal failure ends the run at its execution, and the same seed finds it at the same one") {
  const std::function<void()> body = explore_test::bank_race_2t;
  sim::Report first = sim::check_random(body, {.iterations = 1000, .seed = 11, .checks = {.races = false, .lock_order = false}});
  sim::Report second = sim::check_random(body, {.iterations = 1000, .seed = 11, .checks = {.races = false, .lock_order = false}});
  REQUIRE(first.failures.size() == 1);
  CHECK(first.executions == first.failures[0].execution);
  CHECK(first.executions == second.executions);
  CHECK(first.failures[0].token == second.failures[0].token);
}

TEST_CASE("a cancel flag set before the run starts stops it at once") {
  std::atomic<bool> cancel{true};
  sim::Runner runner(sim::RunOptions{.iterations = 1000, .cancel = &cancel});
  sim::RandomStrategy strategy(1);
  sim::Report r = runner.run(two_threads, strategy);
  CHECK(r.executions == 0);
  CHECK(r.interrupted);
}
