// Tests futures, promises, thread pools and as_completed on real OS threads (`interleave real`):
// the library's correct uses end ok in every run, a second set and a submit after shutdown are
// future-misuse, the pool deadlock is reported at once naming the worker, a job's finding names
// its worker, and the pools drain in order before `finally:`. Real schedules vary, so each check
// holds for every schedule: outcome kinds, and counts that add up.
#include <doctest/doctest.h>

#include <string>

#include "lang/real/real_runner.hpp"
#include "tests/lang_support.hpp"
#include "text_support.hpp"

using lang_test::program;
using lang_test::scenario;

namespace {

constexpr auto yields = lang::RealBackend::Noise::Yields;

// Every run ended ok.
void all_ok(const lang::RealRunReport& r, std::uint64_t runs) {
  CHECK(r.totals.runs == runs);
  CHECK(r.totals.failed == 0);
  CHECK(r.outcomes.empty());
  CHECK_FALSE(r.abandoned);
}

// The failed runs are the runs of the outcomes, and none failed otherwise than `kind`.
void only(const lang::RealRunReport& r, const std::string& kind) {
  std::uint64_t counted = 0;
  for (const lang::RealOutcome& o : r.outcomes) {
    CHECK(o.kind == kind);
    counted += o.runs;
  }
  CHECK(counted == r.totals.failed);
  CHECK(r.totals.failed <= r.totals.runs);
}

}  // namespace

TEST_CASE("the library's futures and pools end ok in every run on real threads, with and without noise") {
  for (const std::string file : {"pool_map.scn", "promise_handoff.scn", "pool_nested.scn", "as_completed_sum.scn", "pool_shutdown_cancel.scn"}) {
    CAPTURE(file);
    const auto p = scenario(file);
    REQUIRE_FALSE(lang::refused_on_real_threads(*p));
    all_ok(lang::run_real_threads(p, {.runs = 300, .stall_seconds = 3600}), 300);
    all_ok(lang::run_real_threads(p, {.runs = 300, .noise = yields, .seed = 5, .stall_seconds = 3600}), 300);
  }
}

TEST_CASE("a second set is future-misuse naming who set first; promise_set_twice fails only so") {
  const lang::RealRunReport both = lang::run_real_threads(
      program("future f\nthread a, b:\n    set f, id\nthread judge:\n    get f\n"), {.runs = 100, .stall_seconds = 3600});
  CHECK(both.totals.failed == 100);  // whichever sets second, every run
  REQUIRE(both.outcomes.size() >= 1);
  only(both, "future-misuse");
  for (const lang::RealOutcome& o : both.outcomes) {
    CHECK(contains(o.message, " sets promise f a second time (first set by "));
    CHECK(contains(o.message, "t.scn:3): a promise is set once"));
    CHECK(o.where == "t.scn:3");
    CHECK((o.thread == "a" || o.thread == "b"));
  }

  // Whether both racers pass the unguarded check depends on the run; when they do, it is this.
  const lang::RealRunReport racy = lang::run_real_threads(scenario("promise_set_twice.scn"), {.runs = 500, .noise = yields, .seed = 3, .stall_seconds = 3600});
  CHECK(racy.totals.runs == 500);
  only(racy, "future-misuse");
  for (const lang::RealOutcome& o : racy.outcomes) {
    CHECK(contains(o.message, " sets promise winner a second time (first set by "));
    CHECK(contains(o.where, "promise_set_twice.scn:14"));
  }
}

TEST_CASE("a job waiting for a job queued behind it in a full pool is a deadlock at once, naming the worker") {
  const lang::RealRunReport r = lang::run_real_threads(scenario("pool_nested_deadlock.scn"), {.runs = 20, .stall_seconds = 3600});
  CHECK(r.totals.runs == 20);
  CHECK(r.totals.failed == 20);
  REQUIRE(r.outcomes.size() == 1);
  CHECK(r.outcomes[0].kind == "deadlock");
  CHECK(r.outcomes[0].details ==
        std::vector<std::string>{"client waits for future outer (nobody has set it)", "workers.worker0 waits for future inner (nobody has set it)"});
  CHECK_FALSE(r.abandoned);
}

TEST_CASE("as_completed_order fails only by its assertion on real threads") {
  const lang::RealRunReport r = lang::run_real_threads(scenario("as_completed_order.scn"), {.runs = 300, .noise = yields, .stall_seconds = 3600});
  CHECK(r.totals.runs == 300);
  only(r, "assertion");
  for (const lang::RealOutcome& o : r.outcomes) CHECK(o.message == "results arrive in the order they were submitted");
}

TEST_CASE("a job's finding names its worker; a submit after shutdown is future-misuse") {
  const lang::RealRunReport job = lang::run_real_threads(
      program("pool p = 2\ndef f():\n    assert false, \"in a job\"\n    return 1\nthread t:\n    submit p, f()\n"), {.runs = 20, .stall_seconds = 3600});
  CHECK(job.totals.failed == 20);
  for (const lang::RealOutcome& o : job.outcomes) {
    CHECK(o.kind == "assertion");
    CHECK(o.message == "in a job");
    CHECK(o.where == "t.scn:3");
    CHECK((o.thread == "p.worker0" || o.thread == "p.worker1"));
  }
  const lang::RealRunReport late = lang::run_real_threads(
      program("pool p = 1\ndef f():\n    return 1\nthread t:\n    shutdown p\n    submit p, f()\n"), {.runs = 20, .stall_seconds = 3600});
  REQUIRE(late.outcomes.size() == 1);
  CHECK(late.outcomes[0].runs == 20);
  CHECK(late.outcomes[0].kind == "future-misuse");
  CHECK(late.outcomes[0].message == "t submits a job to thread pool p after its shutdown");
  const lang::RealRunReport self = lang::run_real_threads(
      program("pool p = 1\nfuture f\ndef who():\n    let w = self\n    assert w == \"t\", \"self in a job\"\n    return 0\nthread t:\n    submit p, who(), f\n    get f\n"),
      {.runs = 5, .stall_seconds = 3600});
  REQUIRE(self.outcomes.size() == 1);
  CHECK(self.outcomes[0].thread == "p.worker0");
  CHECK(self.outcomes[0].message == "self in a job");
  CHECK(self.outcomes[0].details == std::vector<std::string>{"assert w == \"t\"", "w = p.worker0"});
}

TEST_CASE("pools still open drain in the order declared before finally, so a job may still submit to a later pool") {
  // Each parent submits a leaf to the second pool. When client ends, the first pool drains (its
  // parents run, the second pool still open), then the second: both leaves ran before finally.
  const std::string text =
      "pool first = 1\npool second = 1\nshared done = 0\n"
      "def leaf():\n    done += 1\n    return 1\n"
      "def parent():\n    submit second, leaf()\n    return 0\n"
      "thread client:\n    submit first, parent()\n    submit first, parent()\n"
      "finally:\n    assert done == 2, \"every job ran before finally\"\n";
  all_ok(lang::run_real_threads(program(text), {.runs = 200, .stall_seconds = 3600}), 200);
  all_ok(lang::run_real_threads(program(text), {.runs = 200, .noise = yields, .stall_seconds = 3600}), 200);
}

TEST_CASE("a job that spins on a flag nobody sets is a stall the watchdog stops, worker included") {
  const lang::RealRunReport r = lang::run_real_threads(
      program("pool p = 1\nshared flag = 0\ndef spin():\n    while flag == 0:\n        pass\n    return 0\nthread t:\n    submit p, spin()\n"),
      {.runs = 2, .stall_seconds = 0.05});
  CHECK(r.totals.failed == 2);
  REQUIRE(r.outcomes.size() == 1);
  CHECK(r.outcomes[0].kind == "stall");
  CHECK_FALSE(r.abandoned);  // the worker stopped at its next read
}
