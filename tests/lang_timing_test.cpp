// Tests the timing words of the scenario language: the exercise's makespans on 1, 2 and 4 cores,
// processes' own memory, async tasks that interleave only at await, and virtual-time sleeps.
#include <doctest/doctest.h>

#include <interleave/interleave.hpp>
#include <string>

#include "lang/scenario.hpp"
#include "lang_support.hpp"
#include "sim/time/timeline.hpp"

#ifndef INTERLEAVE_SOURCE_DIR
#define INTERLEAVE_SOURCE_DIR "."
#endif

namespace {

using lang_test::load;
using lang_test::source_dir;
constexpr sim::Nanos second = 1'000'000'000;

std::string error_of(const std::string& text) {
  const lang::Loaded loaded = lang::load_text("t.scn", text);
  REQUIRE_FALSE(loaded.ok());
  return loaded.error->render();
}

// The makespan of a scenario on `cores`, with the rest of its machine line.
sim::Nanos makespan(const std::string& file, std::uint32_t cores) {
  const auto p = load("scenarios/timing/" + file);
  sim::MachineModel m{.cores = cores, .quantum = sim::Duration(p->module.machine.quantum)};
  if (p->module.machine.gil) m.gil = sim::MachineModel::Gil::PerProcess;
  const sim::TimelineReport r = sim::timeline(lang::make_body(p), {.machine = m});
  REQUIRE_FALSE(r.failure.has_value());
  return r.makespan;
}

}  // namespace

TEST_CASE("the sleep-vs-count exercise gives the expected makespans exactly") {
  struct Row {
    const char* file;
    sim::Nanos one, two, four;  // seconds on 1, 2, 4 cores
  };
  const Row rows[] = {
      {"sleep_serial.scn", 4, 4, 4},     {"sleep_threads.scn", 1, 1, 1},     {"sleep_processes.scn", 1, 1, 1},
      {"sleep_async.scn", 1, 1, 1},      {"sleep_async_blocking.scn", 4, 4, 4},
      {"count_serial.scn", 4, 4, 4},     {"count_threads.scn", 4, 2, 1},     {"count_threads_gil.scn", 4, 4, 4},
      {"count_processes.scn", 4, 2, 1},  {"count_async.scn", 4, 4, 4},
  };
  for (const Row& row : rows) {
    CAPTURE(row.file);
    CHECK(makespan(row.file, 1) == row.one * second);
    CHECK(makespan(row.file, 2) == row.two * second);
    CHECK(makespan(row.file, 4) == row.four * second);
  }
}

TEST_CASE("a scenario that sleeps an hour explores at once and ends an hour later in virtual time") {
  const auto p = load("hour.scn", "shared done = 0\nthread sleeper[2]:\n    sleep 3600s\n    done += 1\n");
  const sim::Report r = sim::check_random(lang::make_body(p), {.iterations = 200});
  CHECK(r.executions == 200);
  const sim::TimelineReport t = sim::timeline(lang::make_body(p));
  CHECK(t.makespan == 3600 * second);
}

TEST_CASE("a process has its own memory: touching a shared variable says to use a queue") {
  const std::string e = error_of("shared total = 0\nprocess worker[2]:\n    total += 1\n");
  CHECK(e.find("t.scn:3:5") != std::string::npos);
  CHECK(e.find("a process has its own memory") != std::string::npos);
  CHECK(e.find("queue") != std::string::npos);
  const std::string via = error_of("mutex m\ndef bump():\n    lock m:\n        pass\nprocess w:\n    bump()\n");
  CHECK(via.find("t.scn:6:5") != std::string::npos);
  CHECK(via.find("own memory") != std::string::npos);
  // A thread may, and so may a process that keeps to its locals.
  load("ok.scn", "shared total = 0\nthread t:\n    total += 1\nprocess w:\n    let x = 1\n    compute 5ms\n");
}

TEST_CASE("timing syntax errors point at the mistake") {
  CHECK(error_of("thread t:\n    await sleep 1s\n").find("t.scn:2:5: error: 'await' belongs in an 'async' task") != std::string::npos);
  CHECK(error_of("machine cores=0\n").find("t.scn:1:15") != std::string::npos);
  CHECK(error_of("machine cores=2 turbo\n").find("unknown machine setting 'turbo'") != std::string::npos);
  CHECK(error_of("machine quantum=5\n").find("needs a unit") != std::string::npos);
  CHECK(error_of("machine\nmachine gil\n").find("a second 'machine' line") != std::string::npos);
  CHECK(error_of("thread t:\n    compute 5\n").find("needs a unit") != std::string::npos);
  CHECK(error_of("thread t:\n    atomic:\n        compute 5ms\n").find("'compute' cannot be used inside an 'atomic:'") != std::string::npos);
  // The words stay names elsewhere: older scenarios keep working.
  load("names.scn", "shared compute = 1, await = 2, process = 3\nthread t:\n    compute = await + process\n");
}

TEST_CASE("async tasks interleave only at await") {
  // Without an await between the read and the write, the event loop cannot switch: no lost update.
  const auto safe = load("a.scn", "shared n = 0\nasync task[2]:\n    let v = n\n    n = v + 1\nfinally:\n    assert n == 2\n");
  CHECK(sim::explore(lang::make_body(safe), {.strategy = sim::Search::Dfs}).ok());
  // An await between them gives way: the other task's update can be lost, and the token replays it.
  const auto racy = load("b.scn", "shared n = 0\nasync task[2]:\n    let v = n\n    await sleep 1ms\n    n = v + 1\nfinally:\n    assert n == 2\n");
  const sim::Report r = sim::explore(lang::make_body(racy), {.strategy = sim::Search::Dfs});
  const sim::Failure* f = r.find(sim::FailureKind::AssertionFailed);
  REQUIRE(f != nullptr);
  const sim::Report again = sim::replay(lang::make_body(racy), f->token);
  REQUIRE(again.find(sim::FailureKind::AssertionFailed) != nullptr);
  CHECK(again.find(sim::FailureKind::AssertionFailed)->same_place(*f));
}

TEST_CASE("a compute inside an async task blocks the other tasks on the loop") {
  // The waiter's 10 ms sleep is over long before the busy task gives the loop back at 1 s.
  const auto p = load("c.scn", "machine cores=4\nasync waiter:\n    await sleep 10ms\nasync busy:\n    compute 1s\n");
  const sim::TimelineReport r = sim::timeline(lang::make_body(p), {.machine = {.cores = 4}});
  CHECK(r.makespan == second);
  REQUIRE(r.tasks.size() == 3);
  CHECK(r.tasks[1].name == "waiter");
  CHECK(r.tasks[1].end == second);
  CHECK(r.total(sim::TaskId{1}, sim::SegmentKind::Sleep) == 10'000'000);
}
