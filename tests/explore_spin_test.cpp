// Tests the default search: the spin-loop rule (sim/core/spin_log.hpp: loops that wait are
// parked, so every strategy ends on them, and a loop nothing can end is a Livelock finding, not
// a step limit), and the portfolio that finds the bugs no single sampler finds fast.
#include <doctest/doctest.h>

#include <functional>
#include <interleave/interleave.hpp>
#include <string>

#include "explore_support.hpp"
#include "lang/interpreter.hpp"
#include "failure_support.hpp"
#include "lang_support.hpp"

namespace {

using Body = std::function<void()>;

sim::Report search(const Body& body, sim::Search strategy, sim::ExecutionLimits limits = {}) {
  const bool exhaustive = strategy == sim::Search::Dpor || strategy == sim::Search::Dfs;
  return sim::explore(body, {.strategy = strategy, .iterations = exhaustive ? 0u : 1000u, .limits = limits,
                             .progress = sim::Progress::Off});
}

std::string said(const sim::Failure& f) {
  std::string out = f.message;
  for (const std::string& d : f.details) out += "\n  " + d;
  return out;
}

std::string kinds(const sim::Report& r) {
  std::string out;
  for (const sim::Failure& f : r.failures) out += std::string(to_string(f.kind)) + " ";
  return out;
}

// A value handed over through a flag the receiver spins on, without yielding.
void message_passing() {
  sim::Shared<int> data{0, "data"};
  sim::Atomic<bool> ready{false, "ready"};
  sim::Thread receiver([&] {
    while (!ready.load()) {
    }
    sim::check(data.load() == 42, "saw the flag before the data");
  }, "receiver");
  sim::Thread sender([&] {
    data.store(42);
    ready.store(true);
  }, "sender");
  receiver.join();
  sender.join();
}

// The same wait, yielding in the loop.
void yielding_wait() {
  sim::Atomic<int> ready{0, "ready"};
  sim::Thread waiter([&] {
    while (ready.load() == 0) sim::yield();
  }, "waiter");
  sim::Thread setter([&] { ready.store(1); }, "setter");
  waiter.join();
  setter.join();
}

// A poll under a lock: the lock taken and given back is part of the loop, not a change.
void poll_under_lock() {
  sim::Mutex m{"m"};
  sim::Shared<int> ready{0, "ready"};
  sim::Thread waiter([&] {
    for (;;) {
      sim::LockGuard g(m);
      if (ready.load() != 0) break;
    }
  }, "waiter");
  sim::Thread setter([&] {
    sim::LockGuard g(m);
    ready.store(1);
  }, "setter");
  waiter.join();
  setter.join();
}

// Nobody ever sets the flag.
void never_set() {
  sim::Atomic<bool> flag{false, "flag"};
  sim::Thread waiter([&] {
    while (!flag.load()) {
    }
  }, "waiter");
  waiter.join();
}

// Two tasks each yield until the other has gone, which neither does.
void polite_pair() {
  sim::Atomic<int> turn{0, "turn"};
  sim::Thread a([&] {
    while (turn.load() != 1) sim::yield();
  }, "a");
  sim::Thread b([&] {
    while (turn.load() != 2) sim::yield();
  }, "b");
  a.join();
  b.join();
}

// A bounded loop that only reads, alone: it must finish, not be called a livelock.
void bounded_reads() {
  sim::Atomic<int> x{7, "x"};
  sim::Thread reader([&] {
    int sum = 0;
    for (int i = 0; i < 20; ++i) sum += x.load();
    sim::check(sum == 140, "summed wrong");
  }, "reader");
  reader.join();
}

// The bug needs `counter` to run twenty steps in a row and `checker` to look just then: the random
// walk switches at each step with even odds (about one chance in a million), PCT at depth 2
// lowers `counter` at one step of about twenty-two (one chance in forty or so).
void long_run() {
  sim::Atomic<int> c{0, "c"};
  sim::Thread counter([&] {
    for (int i = 1; i <= 20; ++i) c.store(i);
    c.store(0);
  }, "counter");
  sim::Thread checker([&] { sim::check(c.load() != 20, "saw the count at 20"); }, "checker");
  counter.join();
  checker.join();
}

}  // namespace

TEST_CASE("the default portfolio finds a bug that needs a long run, which the random walk misses") {
  const sim::Report walk = sim::explore(long_run, {.strategy = sim::Search::Random, .iterations = 10000, .progress = sim::Progress::Off});
  CHECK(walk.find(sim::FailureKind::AssertionFailed) == nullptr);
  const sim::Report r = sim::explore(long_run, {.iterations = 10000, .progress = sim::Progress::Off});
  const sim::Failure* f = r.find(sim::FailureKind::AssertionFailed);
  REQUIRE(f != nullptr);
  CHECK(f->found_by.find("portfolio: pct depth=") == 0);
  const sim::Report again = sim::replay(long_run, f->token);
  CHECK(again.find(sim::FailureKind::AssertionFailed) != nullptr);
}

TEST_CASE("a spin loop that waits for another task ends under every strategy") {
  for (const Body& body : {Body(message_passing), Body(yielding_wait), Body(poll_under_lock)}) {
    for (sim::Search s : {sim::Search::Dpor, sim::Search::Dfs, sim::Search::Pct, sim::Search::Pos, sim::Search::Random,
                          sim::Search::Portfolio}) {
      CAPTURE(static_cast<int>(s));
      const sim::Report r = search(body, s);
      CHECK_MESSAGE(r.failures.empty(), kinds(r));
      if (s == sim::Search::Dpor || s == sim::Search::Dfs) CHECK(r.complete);
    }
  }
}

TEST_CASE("DPOR keeps every trace DFS runs when loops are parked") {
  for (const Body& body : {Body(message_passing), Body(yielding_wait), Body(poll_under_lock)}) {
    const explore_test::Searched dfs = explore_test::search_dfs(body);
    const explore_test::Searched dpor = explore_test::search_dpor(body);
    CHECK(dfs.report.complete);
    CHECK(dpor.report.complete);
    CHECK(dpor.traces == dfs.traces);
    CHECK(dpor.report.executions <= dfs.report.executions);
  }
}

TEST_CASE("DPOR runs one execution per way the receiver can see the flag") {
  // The receiver sees the flag set at its first read, after one unset read, or after two
  // (then it is parked until the store): three executions, and the search is complete.
  const sim::Report r = search(message_passing, sim::Search::Dpor);
  CHECK(r.complete);
  CHECK(r.executions == 3);
}

TEST_CASE("without the rule a spin loop runs into the step limit under PCT") {
  sim::ExecutionLimits run;
  run.spin_loops = sim::ExecutionLimits::SpinLoops::Run;
  run.max_steps = 2000;
  const sim::Report r = search(message_passing, sim::Search::Pct, run);
  CHECK(r.find(sim::FailureKind::StepLimit) != nullptr);
  const sim::Report parked = search(message_passing, sim::Search::Pct);
  CHECK(parked.failures.empty());
}

TEST_CASE("a loop nothing can end is a livelock naming the loop, and replays") {
  const sim::Report r = search(never_set, sim::Search::Random);
  const sim::Failure* f = r.find(sim::FailureKind::Livelock);
  REQUIRE(f != nullptr);
  CHECK(f->task_name == "waiter");
  CHECK_MESSAGE(mentions(*f, "waiter loops at"), said(*f));
  CHECK_MESSAGE(mentions(*f, "reading flag, which nobody changes"), said(*f));
  CHECK_MESSAGE(mentions(*f, "main waits to join waiter, which spins"), said(*f));
  const sim::Report again = sim::replay(never_set, f->token);
  const sim::Failure* g = again.find(sim::FailureKind::Livelock);
  REQUIRE(g != nullptr);
  CHECK(g->message == f->message);
  CHECK(g->details == f->details);
}

TEST_CASE("tasks that wait for each other in yielding loops are a livelock, and DPOR finds it") {
  const sim::Report r = search(polite_pair, sim::Search::Dpor);
  const sim::Failure* f = r.find(sim::FailureKind::Livelock);
  REQUIRE(f != nullptr);
  CHECK_MESSAGE(mentions(*f, "2 tasks spin"), said(*f));
  // Each yields, but its loop is seen first: two rounds that read turn, which nobody changes.
  CHECK_MESSAGE(mentions(*f, "a loops at"), said(*f));
  CHECK_MESSAGE(mentions(*f, "b loops at"), said(*f));
  CHECK_MESSAGE(mentions(*f, "reading turn, which nobody changes"), said(*f));
}

TEST_CASE("a task that yields while nobody else can change anything is a livelock") {
  // No read to watch: only the yield parks it, and the forced rounds find nobody changing anything.
  const sim::Report r = search([] {
    for (;;) sim::yield();
  }, sim::Search::Dfs);
  const sim::Failure* f = r.find(sim::FailureKind::Livelock);
  REQUIRE(f != nullptr);
  CHECK_MESSAGE(mentions(*f, "main yields in a loop at"), said(*f));
}

TEST_CASE("a bounded loop of reads is not a livelock") {
  const sim::Report r = search(bounded_reads, sim::Search::Dfs);
  CHECK_MESSAGE(r.failures.empty(), kinds(r));
  CHECK(r.complete);
}

TEST_CASE("the scenarios with spin loops complete under DPOR with exact counts") {
  struct Case {
    const char* name;
    std::uint64_t executions;
  };
  for (const Case c : {Case{"peterson.scn", 4552}, Case{"message_passing.scn", 3}, Case{"atomic_block.scn", 342}}) {
    CAPTURE(std::string(c.name));
    const sim::Report r = sim::explore(lang::make_body(lang_test::scenario(c.name)),
                                       {.strategy = sim::Search::Dpor, .progress = sim::Progress::Off});
    CHECK(r.complete);
    CHECK(r.executions == c.executions);
    CHECK_MESSAGE(r.failures.empty(), kinds(r));
  }
}

TEST_CASE("a wait for a count a lost update never lets arrive is a livelock in the scenario") {
  const auto p = lang_test::scenario("spin_lost_update.scn");
  const sim::Report r = sim::explore(lang::make_body(p), {.strategy = sim::Search::Dpor, .progress = sim::Progress::Off});
  const sim::Failure* f = r.find(sim::FailureKind::Livelock);
  REQUIRE(f != nullptr);
  CHECK_MESSAGE(mentions(*f, "spin_lost_update.scn:16 reading done, which nobody changes"), said(*f));
  CHECK(r.find(sim::FailureKind::DataRace) != nullptr);
}
