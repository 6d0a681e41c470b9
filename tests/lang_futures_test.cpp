// Tests the scenario language's futures and thread pools: set/get, submit, map, shutdown and
// as_completed — each misuse scenario found and replayed, each correct one clean under
// exhaustive search, and the semantics the language promises, collected under DFS.
#include <doctest/doctest.h>

#include <algorithm>
#include <interleave/interleave.hpp>
#include <string>

#include "lang/interpreter.hpp"
#include "lang/scenario.hpp"
#include "lang_explore_support.hpp"

namespace {

using lang_test::outputs;
using lang_test::program;
using lang_test::scenario;

// The failure of `kind` a DPOR search of `p` stops at, checked to replay from its token.
sim::Failure found_and_replayed(const std::shared_ptr<const lang::Program>& p, sim::FailureKind kind, const std::string& says) {
  return lang_test::replayed(p, sim::explore(lang::make_body(p), {.strategy = sim::Search::Dpor}), kind, says);
}

}  // namespace

TEST_CASE("each futures misuse scenario is found, names its future or pool, and its token replays it") {
  struct Case {
    const char* file;
    sim::FailureKind kind;
    const char* says;
  };
  const Case cases[] = {
      {"pool_nested_deadlock.scn", sim::FailureKind::Deadlock, "workers.worker0 waits to get future inner, which nobody sets"},
      {"as_completed_order.scn", sim::FailureKind::AssertionFailed, "results arrive in the order they were submitted"},
      {"promise_set_twice.scn", sim::FailureKind::FutureMisuse, "sets promise winner a second time"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.file);
    found_and_replayed(scenario(c.file), c.kind, c.says);
  }
}

TEST_CASE("the correct futures scenarios never fail under exhaustive search") {
  // DPOR; depth-first search for the handoff, whose steps DPOR finds in a single order.
  const std::pair<const char*, sim::Search> cases[] = {
      {"pool_nested.scn", sim::Search::Dpor}, {"as_completed_sum.scn", sim::Search::Dpor}, {"promise_handoff.scn", sim::Search::Dfs},
      {"pool_map.scn", sim::Search::Dpor}, {"pool_shutdown_cancel.scn", sim::Search::Dpor}};
  for (const auto& [name, search] : cases) lang_test::passes_exhaustive(name, search);
}

TEST_CASE("set and get: the value set, taken once; a second get and a second set are misuses") {
  CHECK(outputs("future f\nthread a:\n    set f, 7\nthread b:\n    let x = 0\n    get f, x\n    print x\n") ==
        std::vector<std::string>{"7\n"});
  found_and_replayed(program("future f\nthread a:\n    set f, 1\n    let x = 0\n    get f, x\n    get f, x\n"),
                     sim::FailureKind::FutureMisuse, "a gets future f, whose value a took at line 5");
  found_and_replayed(program("future f\nthread a:\n    set f, 1\nthread b:\n    set f, 2\n"), sim::FailureKind::FutureMisuse,
                     "sets promise f a second time");
  found_and_replayed(program("future f\nthread a:\n    let x = 0\n    get f, x\n"), sim::FailureKind::Deadlock,
                     "a waits to get future f, which nobody sets");
}

TEST_CASE("submit: the job runs the procedure with the arguments worked out at submission, on a worker") {
  const std::string text =
      "pool p = 1\nfuture f\ndef add(a, b):\n    print self\n    return a + b\nthread t:\n    let x = 2\n"
      "    submit p, add(x, 3), f\n    x = 100\n    get f, x\n    print x\n";
  CHECK(outputs(text) == std::vector<std::string>{"p.worker0\n5\n"});
  // A future set by a job may not be set by hand as well, nor by a second job.
  found_and_replayed(program("pool p = 1\nfuture f\ndef one():\n    return 1\nthread t:\n    submit p, one(), f\n    set f, 2\n"),
                     sim::FailureKind::FutureMisuse, "t sets future f, which the job submitted at line 6 sets");
  found_and_replayed(program("pool p = 1\nfuture f\ndef one():\n    return 1\nthread t:\n    submit p, one(), f\n    submit p, one(), f\n"),
                     sim::FailureKind::FutureMisuse, "already sets");
  // A failed assertion in a job is the execution's finding, at the job's line.
  const sim::Failure f = found_and_replayed(program("pool p = 1\ndef bad(x):\n    assert x > 0, \"positive\"\n    return x\nthread t:\n    submit p, bad(0)\n"),
                                            sim::FailureKind::AssertionFailed, "positive");
  CHECK(f.task_name == "p.worker0");
}

TEST_CASE("shutdown: drain runs every pending job; cancel drops those not started; submit after is a misuse") {
  const std::string drain =
      "pool p = 1\nshared n = 0\ndef bump():\n    n += 1\nthread t:\n    repeat 3:\n        submit p, bump()\n"
      "    shutdown p\n    print n\n";
  CHECK(outputs(drain) == std::vector<std::string>{"3\n"});
  const std::string cancel =
      "pool p = 1\nfuture f[2]\ndef one():\n    return 1\nthread t:\n    submit p, one(), f[0]\n    submit p, one(), f[1]\n"
      "    shutdown p, cancel\n    let x = 0\n    let ok = false\n    get f[1], x, ok\n    print ok\n";
  CHECK(outputs(cancel) == std::vector<std::string>{"false\n", "true\n"});
  found_and_replayed(program("pool p = 1\ndef one():\n    return 1\nthread t:\n    shutdown p\n    submit p, one()\n"),
                     sim::FailureKind::FutureMisuse, "submits a job to thread pool p after its shutdown");
  // Without an ok flag, getting a cancelled job's future is a runtime error naming it.
  const std::string no_flag =
      "pool p = 1\nfuture f[2]\ndef one():\n    return 1\nthread t:\n    submit p, one(), f[0]\n    submit p, one(), f[1]\n"
      "    shutdown p, cancel\n    get f[1]\n";
  found_and_replayed(program(no_flag), sim::FailureKind::AssertionFailed, "future f[1] has no value");
}

TEST_CASE("as_completed: every completion order is explored; map keeps input order") {
  const std::string text =
      "pool p = 2\nfuture f[2]\ndef ident(x):\n    return x\nthread t:\n    submit p, ident(0), f[0]\n    submit p, ident(1), f[1]\n"
      "    for i in as_completed f:\n        print i\n";
  CHECK(outputs(text) == std::vector<std::string>{"0\n1\n", "1\n0\n"});
  const std::string map =
      "pool p = 2\nshared xs[3] = [3, 1, 2]\nshared ys[3] = 0\ndef twice(x):\n    return 2 * x\nthread t:\n"
      "    map p, twice, xs, ys\n    print ys[0], ys[1], ys[2]\n";
  CHECK(outputs(map) == std::vector<std::string>{"6 2 4\n"});
}

TEST_CASE("futures statements inside an atomic block: refused by the checker, and at runtime through a call") {
  const lang::Loaded bad = lang::load_text("t.scn", "future f\nthread t:\n    atomic:\n        set f, 1\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error->render().find("'set' cannot be used inside an 'atomic:' block") != std::string::npos);
  const std::string text = "future f\ndef put():\n    set f, 1\nthread t:\n    atomic:\n        put()\n";
  const sim::Report r = sim::check_random(lang::make_body(program(text)), {.iterations = 1});
  const sim::Failure* f = r.find(sim::FailureKind::AssertionFailed);
  REQUIRE(f != nullptr);
  CHECK(f->message.find("'set' inside an 'atomic:' block") != std::string::npos);
}

TEST_CASE("the futures words stay names where a name can stand") {
  CHECK(outputs("shared set = 1, get = 2, pool = 3\ndef map(x):\n    return x\nthread t:\n    set = get + pool\n    print map(set)\n") ==
        std::vector<std::string>{"5\n"});
}
