// Tests the scenario interpreter on the sim runtime: steps, findings and their replay, runtime
// errors, procedures, objects, atomic blocks, invariants, output and determinism.
#include <doctest/doctest.h>

#include <interleave/interleave.hpp>
#include <map>
#include <string>

#include "interleave/explore.hpp"
#include "lang/interpreter.hpp"
#include "lang/scenario.hpp"
#include "lang/sim/sim_backend.hpp"
#include "lang_support.hpp"
#include "sim/explore/random_strategy.hpp"

namespace {

using lang_test::program;
using lang_test::scenario;
using lang_test::source_dir;

sim::Report explore(const std::shared_ptr<const lang::Program>& p, std::uint64_t iterations = 2000, std::uint64_t seed = 1) {
  return sim::check_random(lang::make_body(p), {.iterations = iterations, .seed = seed, .on_failure = sim::OnFailure::Continue});
}

// Counts the operations of one execution by kind.
class Counter final : public sim::Observer {
 public:
  void on_event(const sim::Execution&, const sim::Event& e) override { ++counts[e.op.kind]; }
  std::map<sim::OpKind, int> counts;
};

// One execution of `p` with the random strategy; what it printed, and its operations by kind.
struct OneRun {
  std::string output;
  std::optional<sim::Failure> failure;
  std::map<sim::OpKind, int> counts;
};
OneRun run_once(const std::shared_ptr<const lang::Program>& p, std::uint64_t seed = 1) {
  lang::SimBackend backend(*p);
  lang::Interpreter interpreter(*p, {.capture_output = true}, backend.backend());
  sim::Execution exec;
  sim::RandomStrategy strategy(seed);
  Counter counter;
  sim::Observer* observers[] = {&counter};
  strategy.begin_execution();
  OneRun out;
  out.failure = exec.run([&] { backend.run(interpreter); }, strategy, observers);
  out.output = interpreter.output();
  out.counts = counter.counts;
  return out;
}

std::string message_of(const std::string& text) {
  const sim::Report r = explore(program(text), 1);
  return r.failures.empty() ? std::string("no failure") : r.failures.front().message;
}

}  // namespace

TEST_CASE("bank_race.scn overdraws within 100 executions, and its token replays the overdraft") {
  const auto p = scenario("bank_race.scn");
  const sim::Report r = sim::check_random(lang::make_body(p), {.iterations = 100});
  const sim::Failure* f = r.find(sim::FailureKind::AssertionFailed);
  REQUIRE(f != nullptr);
  CHECK(f->message == "overdraft");
  CHECK(f->where.line == 11);
  const sim::Report again = sim::replay(lang::make_body(p), f->token);
  const sim::Failure* g = again.find(sim::FailureKind::AssertionFailed);
  REQUIRE(g != nullptr);
  CHECK(g->same_place(*f));
  CHECK(g->details == f->details);
}

TEST_CASE("deadlock_two_locks.scn deadlocks within 100 executions, and the token replays it") {
  const auto p = scenario("deadlock_two_locks.scn");
  const sim::Report r = sim::check_random(lang::make_body(p), {.iterations = 100});
  const sim::Failure* f = r.find(sim::FailureKind::Deadlock);
  REQUIRE(f != nullptr);
  const sim::Report again = sim::replay(lang::make_body(p), f->token);
  CHECK(again.find(sim::FailureKind::Deadlock) != nullptr);
}

TEST_CASE("the locked twins never fail") {
  for (const char* name : {"bank_locked.scn", "lost_update_locked.scn", "lost_update_atomic.scn", "deadlock_lock_order.scn",
                           "dining_philosophers_ordered.scn", "producer_consumer.scn", "peterson.scn", "semaphore_pool.scn", "atomic_block.scn"}) {
    CAPTURE(name);
    const sim::Report r = explore(scenario(name));
    for (const sim::Failure& f : r.failures) {
      // Races and predicted deadlocks come from checkers that may not be there; none is expected.
      CHECK_MESSAGE(false, to_string(f.kind) << ": " << f.message);
    }
  }
}

TEST_CASE("each read and each write of a shared variable is one step; locals are free") {
  OneRun r = run_once(program("shared x = 1\nthread t:\n    let a = 2\n    let b = a * 3\n    x = x + b\n"));
  CHECK(!r.failure);
  CHECK(r.counts[sim::OpKind::Read] == 1);
  CHECK(r.counts[sim::OpKind::Write] == 1);
  OneRun atomic = run_once(program("atomic n = 0\nthread t:\n    n.fetch_add(2)\n    n = n + 1\n    assert n.load() == 3\n"));
  CHECK(!atomic.failure);
  CHECK(atomic.counts[sim::OpKind::AtomicRmw] == 1);
  CHECK(atomic.counts[sim::OpKind::AtomicLoad] == 2);
  CHECK(atomic.counts[sim::OpKind::AtomicStore] == 1);
}

TEST_CASE("an atomic block is one step, so its read and write are never split") {
  const std::string racy = "shared n = 0\nthread w[3]:\n    n = n + 1\nfinally:\n    assert n == 3\n";
  const std::string whole = "shared n = 0\nthread w[3]:\n    atomic:\n        n = n + 1\nfinally:\n    assert n == 3\n";
  CHECK(explore(program(racy)).find(sim::FailureKind::AssertionFailed) != nullptr);
  CHECK(explore(program(whole)).find(sim::FailureKind::AssertionFailed) == nullptr);
  OneRun r = run_once(program(whole));
  CHECK(r.counts[sim::OpKind::Lock] == 3);  // each block shown as taking the lock "atomic"
}

TEST_CASE("a SimBackend holds the scenario's simulated state in one place, reset per execution") {
  const auto p = program("shared x = 1\natomic n[2] = 0\nsemaphore s = 3\nthread t[2]:\n    n[id].fetch_add(5)\n    acquire s\nfinally:\n    x = 7\n");
  lang::SimBackend backend(*p);
  lang::Interpreter interpreter(*p, {}, backend.backend());
  // The second execution starts from the declarations again, not from what the first left.
  for (std::uint64_t seed = 1; seed <= 2; ++seed) {
    sim::Execution exec;
    sim::RandomStrategy strategy(seed);
    strategy.begin_execution();
    CHECK(!exec.run([&] { backend.run(interpreter); }, strategy, {}));
    const lang::SimState& s = backend.state();
    CHECK(s.cells == std::vector<std::int64_t>{7, 5, 5});
    REQUIRE(s.semaphores.size() == 1);
    CHECK(s.semaphores[0].count == 1);
    CHECK(s.threads.size() == 2);
  }
}

TEST_CASE("procedures: arguments, locals per call, recursion, return values") {
  const auto p = program(
      "def fact(n):\n    if n <= 1:\n        return 1\n    return n * fact(n - 1)\n"
      "def add(a, b):\n    let s = a + b\n    return s\n"
      "thread t:\n    print fact(10), add(add(1, 2), add(3, 4)), fact(add(2, 1))\n");
  OneRun r = run_once(p);
  CHECK(!r.failure);
  CHECK(r.output == "3628800 10 6\n");
}

TEST_CASE("control flow: if/elif/else, while, repeat, for, break, continue, return from a lock") {
  const auto p = program(
      "mutex m\n"
      "def find(limit):\n    for i in 0..limit:\n        lock m:\n            if i == 3:\n                return i\n    return -1\n"
      "thread t:\n"
      "    let n = 0\n    while true:\n        n += 1\n        if n == 2:\n            continue\n        elif n > 4:\n            break\n        else:\n            pass\n"
      "    let total = 0\n    repeat 3:\n        total = total + 2\n"
      "    print n, total, find(10), find(2)\n"
      "    lock m:\n        print \"lock free again\"\n");
  OneRun r = run_once(p);
  CHECK(!r.failure);
  CHECK(r.output == "5 6 3 -1\nlock free again\n");
}

TEST_CASE("self, id, thread names and bools print as written") {
  const auto p = program("shared flag = false\nthread w[2], solo:\n    if self == \"solo\":\n        print self, id, flag, not flag, 1 < 2\n");
  CHECK(run_once(p).output == "solo 2 false true true\n");
}

TEST_CASE("runtime errors are findings with a place, not crashes") {
  CHECK(message_of("shared z = 0\nthread t:\n    let y = 10 / z\n") == "runtime error: division by zero in '10 / z' (z is 0)");
  CHECK(message_of("thread t:\n    let y = 10 % 0\n") == "runtime error: remainder by zero in '10 % 0' (0 is 0)");
  CHECK(message_of("shared s[3] = 0\nthread t:\n    s[3] = 1\n") == "runtime error: index 3 is out of range for 's', which has 3 elements (0 to 2)");
  CHECK(message_of("mutex f[2]\nthread t:\n    lock f[-1]:\n        pass\n") == "runtime error: index -1 is out of range for 'f', which has 2 elements (0 to 1)");
  CHECK(message_of("thread t:\n    let y = 9223372036854775807\n    y = y + 1\n") == "runtime error: integer overflow in 'y + 1' (9223372036854775807 + 1)");
  CHECK(message_of("shared y = 9223372036854775807\nthread t:\n    y += 1\n") == "runtime error: integer overflow in 'y += 1' (9223372036854775807 + 1)");
  CHECK(message_of("thread t:\n    let y = -9223372036854775807 - 1\n    let z = -y\n") == "runtime error: integer overflow in '-y'");
  CHECK(message_of("def f(n):\n    return f(n + 1)\nthread t:\n    let x = f(0)\n").rfind("runtime error: recursion too deep", 0) == 0);
  CHECK(message_of("def f(x):\n    if x > 0:\n        return 1\nthread t:\n    let y = f(0)\n") == "runtime error: 'f' ended without returning a value");
  CHECK(message_of("def g():\n    yield\nthread t:\n    atomic:\n        g()\n").rfind("runtime error: 'yield' inside an 'atomic:' block", 0) == 0);
  const sim::Report spin = explore(program("thread t:\n    while true:\n        pass\n"), 1);
  REQUIRE(!spin.failures.empty());
  CHECK(spin.failures[0].kind == sim::FailureKind::StepLimit);
}

TEST_CASE("a failed assertion shows its condition and the values in it") {
  const sim::Report r = explore(scenario("bank_race.scn"), 100);
  const sim::Failure* f = r.find(sim::FailureKind::AssertionFailed);
  REQUIRE(f != nullptr);
  CHECK(f->details == std::vector<std::string>{"assert balance >= 0", "balance = -60"});
  CHECK(message_of("thread t:\n    let a = 2\n    assert a == 3\n") == "assertion failed: a == 3");
}

TEST_CASE("an invariant is checked after every step") {
  const auto p = program("shared a = 0\nshared b = 0\ninvariant a == b\nthread t:\n    a = 1\n    b = 1\n");
  const sim::Report r = explore(p, 1);
  REQUIRE(!r.failures.empty());
  CHECK(r.failures[0].message == "invariant broken: a == b");
  CHECK(r.failures[0].where.line == 5);
  CHECK(message_of("shared a = 1\ninvariant a == 0\nthread t:\n    pass\n") == "the invariant does not hold at the start");
  CHECK(explore(program("shared a = 0\nshared b = 0\ninvariant a == b\nthread t:\n    atomic:\n        a = 1\n        b = 1\n")).ok());
}

TEST_CASE("locks, conditions and semaphores") {
  // A semaphore at 0 blocks until a release; with nobody to release, it deadlocks.
  CHECK(explore(program("semaphore s = 0\nthread a:\n    acquire s\nthread b:\n    release s\n")).ok());
  CHECK(explore(program("semaphore s = 0\nthread a:\n    acquire s\n")).find(sim::FailureKind::Deadlock) != nullptr);
  // Waiting without the mutex is a lock misuse; so is releasing a mutex nobody holds.
  CHECK(explore(program("mutex m\ncondition c\nthread a:\n    wait c, m\n"), 1).find(sim::FailureKind::LockMisuse) != nullptr);
  CHECK(explore(program("mutex m\nthread a:\n    release m\n"), 1).find(sim::FailureKind::LockMisuse) != nullptr);
  CHECK(explore(program("mutex m\nthread a:\n    acquire m\n    release m\n")).ok());
  CHECK(explore(scenario("missed_notification.scn")).find(sim::FailureKind::Deadlock) != nullptr);
  CHECK(explore(scenario("producer_consumer_if.scn")).find(sim::FailureKind::AssertionFailed) != nullptr);
  CHECK(explore(scenario("dining_philosophers.scn")).find(sim::FailureKind::Deadlock) != nullptr);
  CHECK(explore(scenario("bank_locked_separately.scn")).find(sim::FailureKind::AssertionFailed) != nullptr);
}

TEST_CASE("prints interleave differently per schedule, and the same seed gives the same output") {
  const auto p = scenario("numbers_and_letters.scn");
  std::map<std::string, int> outputs;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) ++outputs[run_once(p, seed).output];
  CHECK(outputs.size() > 3);
  for (const auto& [text, n] : outputs) CHECK(text.size() == 12);
  CHECK(run_once(p, 7).output == run_once(p, 7).output);
}

TEST_CASE("the same seed gives the same report, token for token") {
  for (const char* name : {"bank_race.scn", "lost_update.scn", "dining_philosophers.scn", "producer_consumer_if.scn"}) {
    CAPTURE(name);
    const auto p = scenario(name);
    const sim::Report a = explore(p, 500, 9);
    const sim::Report b = explore(p, 500, 9);
    REQUIRE(a.failures.size() == b.failures.size());
    for (std::size_t i = 0; i < a.failures.size(); ++i) {
      CHECK(a.failures[i].token == b.failures[i].token);
      CHECK(a.failures[i].message == b.failures[i].message);
      CHECK(!a.failures[i].nondeterministic);
    }
  }
}

TEST_CASE("a body may run on several OS threads at once (parallel jobs)") {
  const auto body = lang::make_body(scenario("lost_update_locked.scn"));
  std::atomic<int> failures{0};
  std::vector<std::thread> jobs;
  for (int j = 0; j < 3; ++j) {
    jobs.emplace_back([&, j] {
      if (!sim::check_random(body, {.iterations = 300, .seed = static_cast<std::uint64_t>(j + 1)}).ok()) ++failures;
    });
  }
  for (std::thread& t : jobs) t.join();
  CHECK(failures == 0);
}


TEST_CASE("exhaustive search counts a scenario's interleavings exactly") {
  auto count = [](const std::string& text, sim::Search search) {
    const sim::Report r = sim::explore(lang::make_body(program(text)), {.strategy = search, .checks = checker::Checks::none()});
    CHECK(r.complete);
    CHECK(r.ok());
    return r.executions;
  };
  const std::string two_writes = "shared x = 0\nthread a:\n    x = 1\nthread b:\n    x = 2\n";
  const std::string independent = "shared x = 0\nshared y = 0\nthread a:\n    x = 1\nthread b:\n    y = 2\n";
  // Two conflicting writes: either order. Independent writes: one execution stands for both.
  CHECK(count(two_writes, sim::Search::Dpor) == 2);
  CHECK(count(independent, sim::Search::Dpor) == 1);
  // Depth-first search also orders main's join steps against the threads' steps.
  CHECK(count(two_writes, sim::Search::Dfs) == 10);
  // Prints are steps on one shared output: 3 numbers and 3 letters interleave in 6 choose 3 = 20 ways.
  const sim::Report letters = sim::explore(lang::make_body(scenario("numbers_and_letters.scn")), {.strategy = sim::Search::Dpor});
  CHECK(letters.complete);
  CHECK(letters.executions == 20);
}
