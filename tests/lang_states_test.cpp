// Tests the search that remembers states (--strategy states) on scenario files: the library's
// scenarios give what they expect, a model it captures is proved complete with a state count that
// interchangeable threads shrink, findings replay, races are seen even where states are shared,
// and what it cannot capture it says.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <interleave/interleave.hpp>
#include <string>
#include <tuple>

#include "lang/outcome.hpp"
#include "lang/sim/sim_backend.hpp"
#include "lang_explore_support.hpp"

namespace {

using lang_test::program;
using lang_test::scenario;

sim::Report states(const std::shared_ptr<const lang::Program>& p, sim::OnFailure on_failure = sim::OnFailure::Stop) {
  return sim::explore(lang::make_body(p), {.strategy = sim::Search::States, .on_failure = on_failure});
}

// N threads each doing K locked increments; `named` makes each thread use its id, so that the
// threads cannot be taken for one another.
std::string counter(int n, int k, bool named) {
  return "shared counter = 0\nshared last = -1\nmutex m\nthread w[" + std::to_string(n) + "]:\n    repeat " + std::to_string(k) +
         ":\n        lock m:\n            counter = counter + 1\n" + (named ? "            last = id\n" : "            last = 0\n") +
         "finally:\n    assert counter == " + std::to_string(n * k) + "\n";
}

}  // namespace

TEST_CASE("states: every library scenario it captures ends as its expect line says") {
  int captured = 0;
  for (const auto& entry : std::filesystem::directory_iterator(lang_test::source_dir + "/scenarios")) {
    if (entry.path().extension() != ".scn") continue;
    const auto p = scenario(entry.path().filename().string());
    CAPTURE(entry.path().filename().string());
    // Pools and weak memory orders are all it leaves out of the library's scenarios (outside
    // timing/, which have machines).
    if (const std::string why = lang::uncaptured_state(*p); !why.empty()) {
      CHECK((why.find("the pool '") == 0 || why.find(" atomic operation at line ") != std::string::npos));
      continue;
    }
    ++captured;
    const sim::Report r = states(p);
    CHECK(lang::outcomes_of(r) == lang::normalise(p->expects));
    if (r.ok()) CHECK(r.complete);
    if (r.ok()) CHECK(r.states > 0);
  }
  CHECK(captured >= 39);
}

TEST_CASE("states: a locked counter is proved complete, and interchangeable threads need fewer states") {
  const sim::Report same = states(program(counter(3, 3, false)));
  const sim::Report named = states(program(counter(3, 3, true)));
  CHECK(same.ok());
  CHECK(named.ok());
  CHECK(same.complete);
  CHECK(named.complete);
  CHECK(same.states < named.states);
  // The same search again remembers the same states and runs the same executions.
  const sim::Report again = states(program(counter(3, 3, false)));
  CHECK(again.states == same.states);
  CHECK(again.executions == same.executions);
  // Far fewer executions than a search that forgets: DFS runs every interleaving.
  const sim::Report dfs = sim::explore(lang::make_body(program(counter(3, 3, false))), {.strategy = sim::Search::Dfs});
  CHECK(dfs.complete);
  CHECK(same.executions * 10 < dfs.executions);
}

TEST_CASE("states: rwlocks, latches and barriers are captured, and their scenarios proved in few states") {
  for (const char* name : {"barrier_phases.scn", "latch_start.scn", "rwlock_readers_writer.scn"}) {
    CAPTURE(name);
    const auto p = scenario(name);
    CHECK(lang::uncaptured_state(*p).empty());
    const sim::Report r = states(p);
    CHECK(r.ok());
    CHECK(r.complete);
    CHECK(r.states > 10);
    // Depth first without remembering runs more than four times as many (on the barrier's
    // phases it does not finish in a minute; DPOR, which reorders only dependent steps, needs
    // fewer executions than either here).
    const sim::Report dfs = sim::explore(lang::make_body(p), {.strategy = sim::Search::Dfs, .iterations = r.executions * 4});
    CHECK_FALSE(dfs.complete);
  }
}

TEST_CASE("states: a missed notification is found: waiting on a condition is captured by position") {
  const auto p = scenario("missed_notification.scn");
  const sim::Report r = states(p);
  CHECK(r.states > 0);
  lang_test::replayed(p, r, sim::FailureKind::Deadlock, "");
  const sim::Report pc = states(scenario("producer_consumer.scn"));
  CHECK(pc.ok());
  CHECK(pc.complete);
  CHECK(pc.states > 0);
}

TEST_CASE("states: a lost update and a deadlock are found, and their tokens replay") {
  const std::string lost = "shared n = 0\nthread t[2]:\n    n = n + 1\nfinally:\n    assert n == 2, \"lost\"\n";
  const auto p = program(lost);
  lang_test::replayed(p, states(p), sim::FailureKind::AssertionFailed, "lost");
  const auto d = scenario("dining_philosophers.scn");
  lang_test::replayed(d, states(d), sim::FailureKind::Deadlock, "");
}

TEST_CASE("states: a race between plain accesses is reported, with the states the atomics share remembered") {
  const std::string text =
      "shared x = 0\natomic a = 0\natomic b = 0\nthread p:\n    a = 1\n    b = 1\n    x = 1\nthread q:\n    b = 2\n    a = 2\n    let v = x\n";
  const sim::Report r = states(program(text), sim::OnFailure::Continue);
  CHECK(r.find(sim::FailureKind::DataRace) != nullptr);
  CHECK(r.complete);
}

TEST_CASE("states: a scenario whose state it cannot capture is searched without remembering, and says why") {
  const sim::Report r = states(scenario("pool_nested_deadlock.scn"));
  CHECK(r.strategy.find("none remembered") != std::string::npos);
  CHECK(r.strategy.find("pool '") != std::string::npos);
  CHECK(r.states == 0);
  CHECK(r.find(sim::FailureKind::Deadlock) != nullptr);
}

namespace {

// Every finding's kind and its lines (a race's two, in either order: which end a search meets
// first depends on the schedule that shows it), sorted: what a search found, wherever it found it.
std::vector<std::tuple<int, std::uint32_t, std::uint32_t>> places(const sim::Report& r) {
  std::vector<std::tuple<int, std::uint32_t, std::uint32_t>> out;
  for (const sim::Failure& f : r.failures) {
    out.emplace_back(static_cast<int>(f.kind), std::min(f.where.line, f.other.line), std::max(f.where.line, f.other.line));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("states: channels, select, futures, recursive and timed mutexes and sleeps are captured, and find what every interleaving finds") {
  // Each program has schedules that fail and schedules that do not; searched to the end, the
  // search that remembers states must find every failure that running every interleaving finds.
  const char* const programs[] = {
      // Unbuffered: two senders, one receiver expecting an order.
      "channel c\nthread a:\n    send c, 1\nthread b:\n    send c, 2\nthread r:\n    let x = 0\n    let y = 0\n"
      "    recv c, x\n    recv c, y\n    assert x < y, \"in order\"\n",
      // Selects on unbuffered channels: a value deposited while only a select waits is committed to it.
      "channel c\nchannel d\nshared who = 0\nthread s:\n    send c, 1\n    send d, 2\n"
      "thread p:\n    let v = 0\n    select:\n        recv c, v:\n            who = 1\n        recv d, v:\n            who = 2\n"
      "    select:\n        recv c, v:\n            pass\n        recv d, v:\n            pass\n        else:\n            pass\n"
      "thread q:\n    let v = 0\n    select:\n        recv d, v:\n            pass\n        else:\n            pass\n"
      "finally:\n    assert who == 1, \"c first\"\n",
      // A buffered channel closed while another thread may still send; receivers drain it.
      "channel c(1)\nshared sum = 0\nthread a:\n    send c, 1\n    close c\nthread b:\n    send c, 2\n"
      "thread r:\n    let v = 0\n    let ok = true\n    while ok:\n        recv c, v, ok\n        if ok:\n            sum += v\n"
      "finally:\n    assert sum == 3, \"both arrive\"\n",
      // A select that sends, against a receiver and a closer.
      "channel c\nchannel stop(1)\nshared sent = 0\nthread s:\n    repeat 2:\n        select:\n            send c, 7:\n"
      "                sent += 1\n            recv stop, sent:\n                pass\nthread r:\n    let v = 0\n    recv c, v\n"
      "thread t:\n    send stop, 5\nfinally:\n    assert sent != 5, \"stopped\"\n",
      // A recursive mutex taken again by its holder, against a reader that takes no lock.
      "recursive mutex m\nshared x = 0\ndef bump():\n    lock m:\n        x += 1\nthread a:\n    lock m:\n        bump()\n        bump()\n"
      "thread b:\n    let v = x\n    assert v % 2 == 0, \"even\"\n",
      // Sleeps: under loose timing a sleeper may run before its time, which some orders need.
      "shared x = 0\nthread a:\n    sleep 10ms\n    x = 1\n    sleep 1ms\n    x = 2\nthread b:\n    sleep 5ms\n    let v = x\n"
      "    sleep 5ms\n    assert v == 0 and x == 1, \"in time\"\n",
      // A timed mutex: the waiter may take it, or give up while it is still held.
      "timed mutex m\nshared x = 0\nthread a:\n    lock m:\n        sleep 20ms\n        x = 1\n"
      "thread b:\n    lock m for 10ms:\n        x = 2\n    else:\n        pass\nfinally:\n    assert x == 1, \"b gave up\"\n",
      // A future set twice, and a reader that may see the value before the write it follows.
      "future f\nshared x = 0\nthread a:\n    x = 1\n    set f, 5\nthread b:\n    let v = 0\n    get f, v\n"
      "    assert x == 1 and v == 5, \"the first set\"\nthread c:\n    set f, 6\n",
  };
  for (const char* text : programs) {
    CAPTURE(text);
    const auto p = program(text);
    REQUIRE(lang::uncaptured_state(*p).empty());
    const auto body = lang::make_body(p);
    const sim::Report all = sim::explore(body, {.strategy = sim::Search::Dfs, .on_failure = sim::OnFailure::Continue});
    const sim::Report remembered = sim::explore(body, {.strategy = sim::Search::States, .on_failure = sim::OnFailure::Continue});
    REQUIRE(all.complete);
    CHECK(remembered.complete);
    CHECK(remembered.states > 0);
    CHECK_FALSE(all.failures.empty());
    CHECK(places(remembered) == places(all));
    CHECK(remembered.executions < all.executions);
  }
}

TEST_CASE("states: a bounded store stops and says so; bitstate keeps bits and never claims a proof") {
  const auto body = lang::make_body(program(counter(3, 3, false)));
  const sim::Report whole = sim::explore(body, {.strategy = sim::Search::States});
  REQUIRE(whole.complete);
  REQUIRE(whole.states > 100);
  const sim::Report bounded = sim::explore(body, {.strategy = sim::Search::States, .store = {.max_states = 100}});
  CHECK_FALSE(bounded.complete);
  CHECK(bounded.states == 100);
  REQUIRE_FALSE(bounded.incomplete.empty());
  CHECK(bounded.incomplete.back().kind == sim::GapKind::StateStore);
  CHECK(bounded.incomplete.back().count == 100);
  // A roomy table keeps every state of this model (the hashes are fixed, so this is exact), yet
  // the search is not called complete; a table of 1,024 bits takes new states for seen ones.
  const sim::Report roomy = sim::explore(body, {.strategy = sim::Search::States, .store = {.bitstate = 24}});
  CHECK(roomy.states == whole.states);
  CHECK_FALSE(roomy.complete);
  REQUIRE_FALSE(roomy.incomplete.empty());
  CHECK(roomy.incomplete.back().kind == sim::GapKind::Bitstate);
  CHECK(roomy.incomplete.back().detail.find("2^24 bits") != std::string::npos);
  const auto bigger = lang::make_body(program(counter(4, 4, false)));
  const sim::Report all = sim::explore(bigger, {.strategy = sim::Search::States});
  const sim::Report cramped = sim::explore(bigger, {.strategy = sim::Search::States, .store = {.bitstate = 10}});
  CHECK(cramped.states < all.states);
  CHECK_THROWS_AS(sim::explore(body, {.strategy = sim::Search::Dpor, .store = {.max_states = 5}}), std::invalid_argument);
  CHECK_THROWS_AS(sim::explore(body, {.strategy = sim::Search::States, .store = {.bitstate = 50}}), std::invalid_argument);
}

TEST_CASE("states: two loops that wait on each other are a livelock, not pruned away as states seen before") {
  // Each iteration returns to the state it began in; only what the spin-loop rule holds of the
  // loops (part of the state) tells the rounds apart, until both are parked and nobody can run.
  const std::string text =
      "atomic a = false\natomic b = false\nthread p:\n    while not b:\n        pass\n    a = true\n"
      "thread q:\n    while not a:\n        pass\n    b = true\n";
  const auto p = program(text);
  lang_test::replayed(p, states(p), sim::FailureKind::Livelock, "spin in loops");
}

// Two threads that keep stepping aside for each other: every round writes, so the spin-loop rule
// never parks them, and each round comes back to the state it began in.
const char* const hallway =
    "atomic a_wants = false\natomic b_wants = false\n"
    "thread a:\n    a_wants = true\n    while b_wants:\n        a_wants = false\n        a_wants = true\n    a_wants = false\n"
    "thread b:\n    b_wants = true\n    while a_wants:\n        b_wants = false\n        b_wants = true\n    b_wants = false\n";

TEST_CASE("states: a cycle every task that can run takes part in is a livelock, told from where it begins, and replays") {
  const auto p = program(hallway);
  const sim::Report r = states(p);
  const sim::Failure f = lang_test::replayed(p, r, sim::FailureKind::Livelock, "a and b take turns forever");
  REQUIRE(f.cycle_from > 0);
  CHECK(f.cycle_from <= f.history.steps.size());
  CHECK(f.message.find("lead back to the state before step " + std::to_string(f.cycle_from)) != std::string::npos);
  CHECK_FALSE(f.nondeterministic);
  // The story marks the step the cycle starts at, just above its row.
  const std::string told = checker::story(f);
  const std::size_t mark = told.find("↻ the cycle");
  REQUIRE(mark != std::string::npos);
  std::string row = std::to_string(f.cycle_from);
  row = "  " + std::string(5 - row.size(), ' ') + row + "  ";
  CHECK(told.compare(told.find('\n', mark) + 1, row.size(), row) == 0);
  // The HTML report marks it too, in the step's number.
  CHECK(checker::html_report(r, "").find("↻ " + std::to_string(f.cycle_from) + "</span>") != std::string::npos);
  const sim::Report again = sim::replay(lang::make_body(p), f.token);
  REQUIRE(again.find(sim::FailureKind::Livelock) != nullptr);
  CHECK(again.find(sim::FailureKind::Livelock)->cycle_from == f.cycle_from);
  // A token cut short of the cycle's end is no cycle: the replay says it diverged.
  sim::Schedule shorter = f.schedule;
  shorter.choices.pop_back();
  const sim::Report cut = sim::replay(lang::make_body(p), shorter.encode());
  CHECK(cut.find(sim::FailureKind::Livelock) == nullptr);
  CHECK(cut.find(sim::FailureKind::ReplayDivergence) != nullptr);
}

TEST_CASE("states: a cycle that only a scheduler passing a task over follows is no finding, and the report says what it left") {
  // The poller loops only while the setter never runs: under a fair schedule it ends.
  const std::string text = "atomic done = false\natomic tick = 0\nthread poller:\n    while not done:\n        tick = 1 - tick\n"
                           "thread setter:\n    done = true\n";
  const sim::Report r = states(program(text));
  CHECK(r.ok());
  CHECK_FALSE(r.complete);
  REQUIRE(r.incomplete.size() == 1);
  CHECK(r.incomplete[0].kind == sim::GapKind::UnfairCycles);
  CHECK(r.incomplete[0].count > 0);
  // Without the writes the loop waits, the spin-loop rule parks it, and no cycle is closed.
  const std::string waiting = "atomic done = false\nthread poller:\n    while not done:\n        pass\nthread setter:\n    done = true\n";
  const sim::Report w = states(program(waiting));
  CHECK(w.ok());
  CHECK(w.complete);
}

TEST_CASE("states: the same report for any number of jobs") {
  for (const char* name : {"locked_counter.scn", "dining_philosophers.scn", "channel_nobody_sends.scn", "peterson_broken.scn", "hallway"}) {
    CAPTURE(name);
    const auto body = lang::make_body(std::string(name) == "hallway" ? program(hallway) : scenario(name));
    const sim::Report one = sim::explore(body, {.strategy = sim::Search::States});
    for (std::uint32_t jobs : {2u, 3u}) {
      const sim::Report r = sim::explore(body, {.strategy = sim::Search::States, .jobs = jobs});
      CHECK(r.executions == one.executions);
      CHECK(r.states == one.states);
      CHECK(r.complete == one.complete);
      CHECK(r.strategy == one.strategy);
      REQUIRE(r.failures.size() == one.failures.size());
      for (std::size_t i = 0; i < r.failures.size(); ++i) CHECK(r.failures[i].token == one.failures[i].token);
    }
  }
}
