// Tests memory orders in scenarios: `x.load(acquire)`, `x.store(v, release)`, orders on the
// read-modify-writes, `fence <order>`, the checker's refusals, what an exhaustive search finds
// with weak orders (store buffering, message passing), the story of a stale load, the search
// that remembers states, and real threads.
#include <doctest/doctest.h>

#include <algorithm>
#include <interleave/interleave.hpp>
#include <string>

#include "lang/outcome.hpp"
#include "lang/real/real_runner.hpp"
#include "lang/sim/sim_backend.hpp"
#include "lang_explore_support.hpp"

namespace {

using lang_test::program;
using lang_test::scenario;

std::string order_error(const std::string& text) {
  const lang::Loaded loaded = lang::load_text("t.scn", text);
  return loaded.ok() ? "ok" : loaded.error->headline();
}

// The order the checker gave the atomic operation of thread t's n-th statement (a call, a let or an assignment).
lang::Order order_of(const lang::Program& p, std::size_t n) {
  const lang::Stmt& s = *p.module.threads[0].body[n];
  return s.kind == lang::StmtKind::Fence ? s.order : s.value->order;
}

// Store buffering: each thread stores to one variable and loads the other, with `order`.
std::string store_buffering(const std::string& order) {
  const std::string o = order.empty() ? "" : ", " + order;
  const std::string lo = order.empty() ? "" : order;
  return "atomic x = 0\natomic y = 0\nshared r1 = -1\nshared r2 = -1\n"
         "thread a:\n    x.store(1" + o + ")\n    r1 = y.load(" + lo + ")\n"
         "thread b:\n    y.store(1" + o + ")\n    r2 = x.load(" + lo + ")\n"
         "finally:\n    print r1, r2\n";
}

bool has(const std::vector<std::string>& outputs, const std::string& line) {
  return std::find(outputs.begin(), outputs.end(), line + "\n") != outputs.end();
}

}  // namespace

TEST_CASE("orders: the last argument of an atomic method, and the fence statement") {
  const auto p = program(
      "atomic x = 0\natomic ready = false\n"
      "thread t:\n"
      "    let v = x.load(acquire)\n"
      "    ready.store(true, release)\n"
      "    x.fetch_add(1, relaxed)\n"
      "    v = x.exchange(5, acq_rel)\n"
      "    let ok = x.cas(0, 1, acq_rel)\n"
      "    v = x.fetch_sub(1, seq_cst)\n"
      "    v = x.load()\n"
      "    fence release\n"
      "    fence acq_rel\n");
  CHECK(order_of(*p, 0) == lang::Order::Acquire);
  CHECK(order_of(*p, 1) == lang::Order::Release);
  CHECK(order_of(*p, 2) == lang::Order::Relaxed);
  CHECK(order_of(*p, 3) == lang::Order::AcqRel);
  CHECK(order_of(*p, 4) == lang::Order::AcqRel);
  CHECK(order_of(*p, 5) == lang::Order::SeqCst);
  CHECK(order_of(*p, 6) == lang::Order::SeqCst);
  CHECK(order_of(*p, 7) == lang::Order::Release);
  CHECK(order_of(*p, 8) == lang::Order::AcqRel);
  // The order is no argument of the operation once checked.
  CHECK(p->module.threads[0].body[4]->value->args.size() == 2);
  // Order words stay names elsewhere, and so does `fence`.
  CHECK(order_error("shared fence = 0\nthread t:\n    let relaxed = 1\n    let seq_cst = relaxed\n    fence = seq_cst\n") == "ok");
}

TEST_CASE("orders: the checker refuses an order an operation cannot have, with the place, what it found and what it expects") {
  const std::string decl = "atomic x = 0\nshared s = 0\nthread t:\n";
  CHECK(order_error(decl + "    let v = x.load(release)\n") == "t.scn:4:20: error: '.load()' cannot be release; expected relaxed, acquire or seq_cst");
  CHECK(order_error(decl + "    let v = x.load(acq_rel)\n") == "t.scn:4:20: error: '.load()' cannot be acq_rel; expected relaxed, acquire or seq_cst");
  CHECK(order_error(decl + "    x.store(1, acquire)\n") == "t.scn:4:16: error: '.store()' cannot be acquire; expected relaxed, release or seq_cst");
  CHECK(order_error(decl + "    x.store(1, acq_rel)\n") == "t.scn:4:16: error: '.store()' cannot be acq_rel; expected relaxed, release or seq_cst");
  CHECK(order_error(decl + "    x.store(1, relaxd)\n") ==
        "t.scn:4:16: error: 'relaxd' is not a memory order (did you mean 'relaxed'?); expected relaxed, release or seq_cst (the memory order of '.store()')");
  CHECK(order_error(decl + "    let v = x.load(consume)\n") ==
        "t.scn:4:20: error: 'consume' is not offered (compilers take it as acquire); expected relaxed, acquire or seq_cst (the memory order of '.load()')");
  CHECK(order_error(decl + "    x.store(1, 2)\n") ==
        "t.scn:4:16: error: found '2' where a memory order goes; expected relaxed, release or seq_cst (the memory order of '.store()')");
  CHECK(order_error(decl + "    x.store(1, relaxed, relaxed)\n") == "t.scn:4:7: error: 'store' takes 1 argument and a memory order, but 3 were given");
  CHECK(order_error(decl + "    let v = s.load(acquire)\n") ==
        "t.scn:4:13: error: 's' is a shared variable; only atomic variables have methods like .load() and memory orders (declare it 'atomic')");
  CHECK(order_error(decl + "    atomic:\n        x.fetch_add(1, relaxed)\n") ==
        "t.scn:5:24: error: found 'relaxed' inside an 'atomic:' block, whose operations are seq_cst (the block is one step); expected seq_cst or no order");
  CHECK(order_error(decl + "    atomic:\n        x.fetch_add(1, seq_cst)\n") == "ok");
  CHECK(order_error("atomic x = 0\ninvariant x.load(acquire) >= 0\nthread t:\n    pass\n") ==
        "t.scn:2:18: error: an invariant reads the latest values, so it takes no memory order; found 'acquire'");
  CHECK(order_error(decl + "    fence relaxed\n") ==
        "t.scn:4:11: error: a fence cannot be relaxed (it would order nothing); expected acquire, release, acq_rel or seq_cst (the order of the fence)");
  CHECK(order_error(decl + "    fence sequential\n") ==
        "t.scn:4:11: error: 'sequential' is not a memory order; expected acquire, release, acq_rel or seq_cst (the order of the fence)");
  CHECK(order_error(decl + "    fence\n") ==
        "t.scn:4:10: error: expected a memory order after 'fence' (acquire, release, acq_rel or seq_cst), found end of line");
  CHECK(order_error(decl + "    atomic:\n        fence seq_cst\n").find("t.scn:5:9: error: 'fence' cannot be used inside an 'atomic:' block") == 0);
}

TEST_CASE("orders: store buffering reaches r1 == r2 == 0 with relaxed orders, never with seq_cst") {
  const std::vector<std::string> relaxed = lang_test::outputs(store_buffering("relaxed"));
  const std::vector<std::string> seq_cst = lang_test::outputs(store_buffering(""));
  const std::vector<std::string> explicit_seq_cst = lang_test::outputs(store_buffering("seq_cst"));
  CHECK(has(relaxed, "0 0"));
  CHECK(has(relaxed, "1 1"));
  CHECK(!has(seq_cst, "0 0"));
  CHECK(seq_cst == std::vector<std::string>{"0 1\n", "1 0\n", "1 1\n"});
  CHECK(explicit_seq_cst == seq_cst);
  // A seq_cst fence between each store and load forbids it again.
  const std::string fenced = "atomic x = 0\natomic y = 0\nshared r1 = -1\nshared r2 = -1\n"
                             "thread a:\n    x.store(1, relaxed)\n    fence seq_cst\n    r1 = y.load(relaxed)\n"
                             "thread b:\n    y.store(1, relaxed)\n    fence seq_cst\n    r2 = x.load(relaxed)\n"
                             "finally:\n    print r1, r2\n";
  CHECK(!has(lang_test::outputs(fenced), "0 0"));
}

TEST_CASE("orders: message passing with release/acquire never fails; with a relaxed flag the data races, and the token replays it") {
  lang_test::passes_exhaustive("message_passing_release.scn", sim::Search::Dfs);
  lang_test::passes_exhaustive("message_passing_release.scn", sim::Search::Dpor);
  // A release fence before a relaxed store, an acquire fence after a relaxed load: also enough.
  const auto fenced = program("atomic ready = false\nshared data = 0\n"
                              "thread sender:\n    data = 42\n    fence release\n    ready.store(true, relaxed)\n"
                              "thread receiver:\n    while not ready.load(relaxed):\n        pass\n    fence acquire\n    assert data == 42\n");
  const sim::Report ok = sim::explore(lang::make_body(fenced), {.strategy = sim::Search::Dfs});
  CHECK(ok.complete);
  CHECK(ok.ok());
  const auto relaxed = scenario("message_passing_relaxed.scn");
  const sim::Report r = sim::explore(lang::make_body(relaxed), {.strategy = sim::Search::Dfs});
  lang_test::replayed(relaxed, r, sim::FailureKind::DataRace, "data");
  CHECK(lang::outcomes_of(r) == lang::normalise(relaxed->expects));
}

TEST_CASE("orders: the story of a stale load says which store it read and which later one it missed") {
  const auto p = program("atomic data = 0\natomic flag = false\n"
                         "thread a:\n    data.store(1, relaxed)\n    flag.store(true, release)\n"
                         "thread b:\n    if flag.load(relaxed):\n        assert data.load(relaxed) == 1, \"b sees the data\"\n");
  const sim::Report r = sim::explore(lang::make_body(p), {.strategy = sim::Search::Dfs});
  const sim::Failure f = lang_test::replayed(p, r, sim::FailureKind::AssertionFailed, "b sees the data");
  const std::string text = sim::to_text(r, {.timing = false});
  CAPTURE(text);
  CHECK(text.find("data → 0 (the initial value, although a had stored 1 at t.scn:4)") != std::string::npos);
  // Acquiring the flag makes the data visible: no stale read is left.
  const auto fixed = program("atomic data = 0\natomic flag = false\n"
                             "thread a:\n    data.store(1, relaxed)\n    flag.store(true, release)\n"
                             "thread b:\n    if flag.load(acquire):\n        assert data.load(relaxed) == 1, \"b sees the data\"\n");
  const sim::Report good = sim::explore(lang::make_body(fixed), {.strategy = sim::Search::Dfs});
  CHECK(good.complete);
  CHECK(good.ok());
}

TEST_CASE("orders: seq_cst atomics run as they did before the memory model saw them, choice for choice") {
  // The memory model runs when the race detector does; without checkers it is off. A seq_cst
  // scenario makes no data choices in it, so both searches run the same executions.
  for (const auto& [name, search] : {std::pair{"lost_update_atomic.scn", sim::Search::Dfs}, std::pair{"message_passing.scn", sim::Search::Dfs},
                                      std::pair{"atomic_block.scn", sim::Search::Dpor}, std::pair{"peterson.scn", sim::Search::Dpor},
                                      std::pair{"semaphore_pool.scn", sim::Search::Dpor}}) {
    const std::string file = name;
    CAPTURE(file);
    const auto p = scenario(file);
    const sim::Report modelled = sim::explore(lang::make_body(p), {.strategy = search});
    const sim::Report plain = sim::explore(lang::make_body(p), {.strategy = search, .checks = checker::Checks::none()});
    CHECK(modelled.ok());
    CHECK(modelled.complete == plain.complete);
    CHECK(modelled.executions == plain.executions);
  }
  // With a relaxed order the model makes choices: more executions than without it.
  const auto weak = program(store_buffering("relaxed"));
  const sim::Report modelled = sim::explore(lang::make_body(weak), {.strategy = sim::Search::Dfs});
  const sim::Report plain = sim::explore(lang::make_body(weak), {.strategy = sim::Search::Dfs, .checks = checker::Checks::none()});
  CHECK(modelled.executions > plain.executions);
}

TEST_CASE("orders: the search that remembers states leaves a scenario with weak orders unpruned, and says so") {
  const auto relaxed = scenario("message_passing_relaxed.scn");
  CHECK(lang::uncaptured_state(*relaxed) ==
        "the relaxed atomic operation at line 14: the stores each load could still read (the memory model's histories) are not captured yet");
  const sim::Report r = sim::explore(lang::make_body(relaxed), {.strategy = sim::Search::States});
  CHECK(lang::outcomes_of(r) == lang::normalise(relaxed->expects));
  CHECK(r.states == 0);
  CHECK(r.strategy.find("none remembered: the relaxed atomic operation at line 14") != std::string::npos);
  // Store buffering's weak outcome is still reached: no state was taken for another.
  lang::OutputTally tally;
  const sim::Report sb = sim::explore(lang::make_body(program(store_buffering("relaxed")), {.capture_output = true, .tally = &tally}),
                                      {.strategy = sim::Search::States});
  CHECK(sb.complete);
  bool weak = false;
  for (const auto& [text, count] : tally.sorted()) weak = weak || text == "0 0\n";
  CHECK(weak);
  // Seq_cst operations read the latest store, which the cells hold: captured as before.
  CHECK(lang::uncaptured_state(*scenario("message_passing.scn")).empty());
  CHECK(lang::uncaptured_state(*program(store_buffering("seq_cst"))).empty());
}

TEST_CASE("orders: real threads run the orders and fences as std::atomic does") {
  const auto p = program("atomic n = 0\natomic ready = false\nshared data = 0\n"
                         "thread w[3]:\n    repeat 50:\n        n.fetch_add(1, relaxed)\n"
                         "thread sender:\n    data = 42\n    fence release\n    ready.store(true, relaxed)\n"
                         "thread receiver:\n    while not ready.load(acquire):\n        pass\n    assert data == 42\n"
                         "finally:\n    assert n.load(acquire) == 150, \"an increment was lost\"\n");
  CHECK(!lang::refused_on_real_threads(*p));
  const lang::RealRunReport r = lang::run_real_threads(p, {.runs = 200});
  CHECK(r.totals.runs == 200);
  CHECK(r.outcomes.empty());
}
