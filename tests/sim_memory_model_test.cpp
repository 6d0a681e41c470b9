// Tests the C++ memory model of sim::Atomic: the classic litmus tests, each with the exact set of
// outcomes an exhaustive search reaches, for the memory orders where they differ (RC11).
#include <doctest/doctest.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "interleave/interleave.hpp"
#include "sim/sim.hpp"

namespace {

using Outcome = std::vector<int>;
using Outcomes = std::set<Outcome>;
constexpr auto rlx = std::memory_order_relaxed;
constexpr auto acq = std::memory_order_acquire;
constexpr auto rel = std::memory_order_release;
constexpr auto sc = std::memory_order_seq_cst;

// Every outcome of `body` over an exhaustive search, which must end complete and clean.
Outcomes outcomes(const std::function<Outcome()>& body) {
  Outcomes seen;
  const sim::Report r =
      sim::explore([&] { seen.insert(body()); }, {.strategy = sim::Search::Dfs, .progress = sim::Progress::Off});
  CHECK(r.complete);
  if (!r.ok()) FAIL(sim::to_text(r, {.timing = false}));
  return seen;
}

void fence(bool on) {
  if (on) sim::atomic_thread_fence(sc);
}

// SB: each task stores to one location, then loads the other.
Outcome store_buffering(std::memory_order store, std::memory_order load, bool fences) {
  sim::Atomic<int> x{0, "x"}, y{0, "y"};
  int r1 = 0, r2 = 0;
  sim::Thread a([&] { x.store(1, store); fence(fences); r1 = y.load(load); }, "a");
  sim::Thread b([&] { y.store(1, store); fence(fences); r2 = x.load(load); }, "b");
  a.join();
  b.join();
  return {r1, r2};
}

// MP: data then a flag; the reader reads the flag, then the data.
Outcome message_passing(std::memory_order store, std::memory_order load, bool fences) {
  sim::Atomic<int> data{0, "data"}, flag{0, "flag"};
  int r1 = 0, r2 = 0;
  sim::Thread a([&] {
    data.store(1, rlx);
    if (fences) sim::atomic_thread_fence(rel);
    flag.store(1, store);
  }, "a");
  sim::Thread b([&] {
    r1 = flag.load(load);
    if (fences) sim::atomic_thread_fence(acq);
    r2 = data.load(rlx);
  }, "b");
  a.join();
  b.join();
  return {r1, r2};
}

// LB: each loads one location, then stores to the other.
Outcome load_buffering(std::memory_order order) {
  sim::Atomic<int> x{0, "x"}, y{0, "y"};
  int r1 = 0, r2 = 0;
  sim::Thread a([&] { r1 = x.load(order); y.store(1, order); }, "a");
  sim::Thread b([&] { r2 = y.load(order); x.store(1, order); }, "b");
  a.join();
  b.join();
  return {r1, r2};
}

// IRIW: two writers, two readers reading the locations in opposite orders.
Outcome iriw(std::memory_order store, std::memory_order load) {
  sim::Atomic<int> x{0, "x"}, y{0, "y"};
  int r1 = 0, r2 = 0, r3 = 0, r4 = 0;
  sim::Thread a([&] { x.store(1, store); }, "a");
  sim::Thread b([&] { y.store(1, store); }, "b");
  sim::Thread c([&] { r1 = x.load(load); r2 = y.load(load); }, "c");
  sim::Thread d([&] { r3 = y.load(load); r4 = x.load(load); }, "d");
  a.join();
  b.join();
  c.join();
  d.join();
  return {r1, r2, r3, r4};
}

// WRC: a store read by a second task, whose store a third reads before the first location.
Outcome wrc(std::memory_order store, std::memory_order load) {
  sim::Atomic<int> x{0, "x"}, y{0, "y"};
  int r1 = 0, r2 = 0, r3 = 0;
  sim::Thread a([&] { x.store(1, store); }, "a");
  sim::Thread b([&] { r1 = x.load(load); y.store(1, store); }, "b");
  sim::Thread c([&] { r2 = y.load(load); r3 = x.load(load); }, "c");
  a.join();
  b.join();
  c.join();
  return {r1, r2, r3};
}

// ISA2: message passing through a chain of two flags.
Outcome isa2(std::memory_order store, std::memory_order load) {
  sim::Atomic<int> x{0, "x"}, y{0, "y"}, z{0, "z"};
  int r1 = 0, r2 = 0, r3 = 0;
  sim::Thread a([&] { x.store(1, rlx); y.store(1, store); }, "a");
  sim::Thread b([&] { r1 = y.load(load); z.store(1, store); }, "b");
  sim::Thread c([&] { r2 = z.load(load); r3 = x.load(rlx); }, "c");
  a.join();
  b.join();
  c.join();
  return {r1, r2, r3};
}

// 2+2W: two tasks store to both locations in opposite orders; the outcome is the final values.
Outcome two_plus_two_w(std::memory_order order) {
  sim::Atomic<int> x{0, "x"}, y{0, "y"};
  sim::Thread a([&] { x.store(1, order); y.store(2, order); }, "a");
  sim::Thread b([&] { y.store(1, order); x.store(2, order); }, "b");
  a.join();
  b.join();
  return {x.load(), y.load()};
}

// R: a store and a later-in-mo store to y, against a load of x; outcome (final y, load).
Outcome r_test(std::memory_order order) {
  sim::Atomic<int> x{0, "x"}, y{0, "y"};
  int r = 0;
  sim::Thread a([&] { x.store(1, order); y.store(1, order); }, "a");
  sim::Thread b([&] { y.store(2, order); r = x.load(order); }, "b");
  a.join();
  b.join();
  return {y.load(), r};
}

// S: a release of y after x = 2; the acquirer then stores x = 1. Outcome (load, final x).
Outcome s_test(std::memory_order store, std::memory_order load) {
  sim::Atomic<int> x{0, "x"}, y{0, "y"};
  int r = 0;
  sim::Thread a([&] { x.store(2, rlx); y.store(1, store); }, "a");
  sim::Thread b([&] { r = y.load(load); x.store(1, rlx); }, "b");
  a.join();
  b.join();
  return {r, x.load()};
}

// Split over jobs, an exhaustive search walks other slices' executions to reach its own, without
// checkers: those must make the same store choices, or the slices would not add up.
TEST_CASE("memory model: an exhaustive search on two jobs reaches the same outcomes (DFS: in the same executions)") {
  for (const sim::Search search : {sim::Search::Dfs, sim::Search::Dpor}) {
    for (const std::uint32_t jobs : {1u, 2u}) {
      std::mutex m;
      Outcomes sb, wrcs;
      auto run = [&](const std::function<Outcome()>& body, Outcomes& seen) {
        return sim::explore([&] {
          const Outcome o = body();
          const std::lock_guard lock(m);
          seen.insert(o);
        }, {.strategy = search, .jobs = jobs, .split_depth = 3, .progress = sim::Progress::Off});
      };
      const sim::Report a = run([] { return store_buffering(rlx, rlx, false); }, sb);
      const sim::Report b = run([] { return wrc(rel, acq); }, wrcs);
      CAPTURE(jobs);
      CHECK(a.complete);
      CHECK(b.complete);
      CHECK(sb == outcomes([] { return store_buffering(rlx, rlx, false); }));
      CHECK(wrcs == outcomes([] { return wrc(rel, acq); }));
      // DFS splits without loss; DPOR split over jobs searches each unit in full, so a trace
      // reachable from two units runs in each (README's plans): only its outcomes must agree.
      static std::uint64_t one_job[2];
      if (search != sim::Search::Dfs) continue;
      if (jobs == 1) {
        one_job[0] = a.executions;
        one_job[1] = b.executions;
      } else {
        CHECK(a.executions == one_job[0]);
        CHECK(b.executions == one_job[1]);
      }
    }
  }
}

}  // namespace

TEST_CASE("memory model: store buffering (SB) keeps both old values unless seq_cst orders the four accesses") {
  const Outcomes weak{{0, 0}, {0, 1}, {1, 0}, {1, 1}};
  const Outcomes strong{{0, 1}, {1, 0}, {1, 1}};
  CHECK(outcomes([] { return store_buffering(rlx, rlx, false); }) == weak);
  CHECK(outcomes([] { return store_buffering(rel, acq, false); }) == weak);
  CHECK(outcomes([] { return store_buffering(sc, sc, false); }) == strong);
  CHECK(outcomes([] { return store_buffering(rlx, rlx, true); }) == strong);
}

TEST_CASE("memory model: message passing (MP) needs release and acquire, on the accesses or as fences") {
  const Outcomes weak{{0, 0}, {0, 1}, {1, 0}, {1, 1}};
  const Outcomes ordered{{0, 0}, {0, 1}, {1, 1}};
  CHECK(outcomes([] { return message_passing(rlx, rlx, false); }) == weak);
  CHECK(outcomes([] { return message_passing(rel, rlx, false); }) == weak);
  CHECK(outcomes([] { return message_passing(rlx, acq, false); }) == weak);
  CHECK(outcomes([] { return message_passing(rel, acq, false); }) == ordered);
  CHECK(outcomes([] { return message_passing(sc, sc, false); }) == ordered);
  CHECK(outcomes([] { return message_passing(rlx, rlx, true); }) == ordered);
}

TEST_CASE("memory model: load buffering (LB) never reads a store from the future, whatever the order") {
  const Outcomes allowed{{0, 0}, {0, 1}, {1, 0}};
  CHECK(outcomes([] { return load_buffering(rlx); }) == allowed);
  CHECK(outcomes([] { return load_buffering(sc); }) == allowed);
}

TEST_CASE("memory model: IRIW's readers disagree on the order of two stores unless all is seq_cst") {
  const Outcomes relaxed = outcomes([] { return iriw(rlx, rlx); });
  const Outcomes acquire = outcomes([] { return iriw(rel, acq); });
  const Outcomes seq_cst = outcomes([] { return iriw(sc, sc); });
  const Outcome disagree{1, 0, 1, 0};
  CHECK(relaxed.size() == 16);
  CHECK(acquire.size() == 16);
  CHECK(seq_cst.size() == 15);
  CHECK(acquire.count(disagree) == 1);
  CHECK(seq_cst.count(disagree) == 0);
}

TEST_CASE("memory model: WRC and ISA2 are causal under release/acquire, not under relaxed") {
  const Outcome wrc_weak{1, 1, 0};
  CHECK(outcomes([] { return wrc(rlx, rlx); }).count(wrc_weak) == 1);
  CHECK(outcomes([] { return wrc(rel, acq); }).count(wrc_weak) == 0);
  CHECK(outcomes([] { return wrc(rel, acq); }).size() == 7);
  const Outcome isa2_weak{1, 1, 0};
  CHECK(outcomes([] { return isa2(rlx, rlx); }).count(isa2_weak) == 1);
  CHECK(outcomes([] { return isa2(rel, acq); }).count(isa2_weak) == 0);
  CHECK(outcomes([] { return isa2(rel, acq); }).size() == 7);
}

TEST_CASE("memory model: 2+2W, R and S place stores in modification order against execution order") {
  CHECK(outcomes([] { return two_plus_two_w(rlx); }) == Outcomes{{1, 1}, {1, 2}, {2, 1}, {2, 2}});
  CHECK(outcomes([] { return two_plus_two_w(rel); }) == Outcomes{{1, 1}, {1, 2}, {2, 1}, {2, 2}});
  CHECK(outcomes([] { return two_plus_two_w(sc); }) == Outcomes{{1, 2}, {2, 1}, {2, 2}});
  CHECK(outcomes([] { return r_test(rlx); }) == Outcomes{{1, 0}, {1, 1}, {2, 0}, {2, 1}});
  CHECK(outcomes([] { return r_test(sc); }) == Outcomes{{1, 0}, {1, 1}, {2, 1}});
  CHECK(outcomes([] { return s_test(rlx, rlx); }) == Outcomes{{0, 1}, {0, 2}, {1, 1}, {1, 2}});
  CHECK(outcomes([] { return s_test(rel, acq); }) == Outcomes{{0, 1}, {0, 2}, {1, 1}});
}

TEST_CASE("memory model: coherence (CoRR, CoWR, CoRW, CoWW) holds even for relaxed accesses") {
  // CoRR: two reads of one location never see its stores in reverse.
  CHECK(outcomes([] {
          sim::Atomic<int> x{0, "x"};
          int r1 = 0, r2 = 0;
          sim::Thread a([&] { x.store(1, rlx); }, "a");
          sim::Thread b([&] { r1 = x.load(rlx); r2 = x.load(rlx); }, "b");
          a.join();
          b.join();
          return Outcome{r1, r2};
        }) == Outcomes{{0, 0}, {0, 1}, {1, 1}});
  // CoWR: a task reads its own store or a later one, never the value before it.
  CHECK(outcomes([] {
          sim::Atomic<int> x{0, "x"};
          int r = 0;
          sim::Thread a([&] { x.store(1, rlx); r = x.load(rlx); }, "a");
          sim::Thread b([&] { x.store(2, rlx); }, "b");
          a.join();
          b.join();
          return Outcome{r, x.load()};
        }) == Outcomes{{1, 1}, {1, 2}, {2, 2}});
  // CoRW: a store goes after the store its task read.
  CHECK(outcomes([] {
          sim::Atomic<int> x{0, "x"};
          int r = 0;
          sim::Thread a([&] { r = x.load(rlx); x.store(1, rlx); }, "a");
          sim::Thread b([&] { x.store(2, rlx); }, "b");
          a.join();
          b.join();
          return Outcome{r, x.load()};
        }) == Outcomes{{0, 1}, {0, 2}, {2, 1}});
  // CoWW: a task's two stores stay in program order.
  CHECK(outcomes([] {
          sim::Atomic<int> x{0, "x"};
          sim::Thread a([&] { x.store(1, rlx); x.store(2, rlx); }, "a");
          a.join();
          return Outcome{x.load()};
        }) == Outcomes{{2}});
}

TEST_CASE("memory model: read-modify-writes are atomic and continue a release sequence") {
  // Two relaxed increments never lose one.
  CHECK(outcomes([] {
          sim::Atomic<int> n{0, "n"};
          sim::Thread a([&] { n.fetch_add(1, rlx); }, "a");
          sim::Thread b([&] { n.fetch_add(1, rlx); }, "b");
          a.join();
          b.join();
          return Outcome{n.load()};
        }) == Outcomes{{2}});
  // A relaxed increment between a release store and an acquire load keeps the message: the reader
  // that sees 2 sees the data.
  const Outcomes seen = outcomes([] {
    sim::Atomic<int> data{0, "data"}, flag{0, "flag"};
    int r1 = 0, r2 = 0;
    sim::Thread a([&] { data.store(1, rlx); flag.store(1, rel); }, "a");
    sim::Thread b([&] { flag.fetch_add(1, rlx); }, "b");
    sim::Thread c([&] { r1 = flag.load(acq); r2 = data.load(rlx); }, "c");
    a.join();
    b.join();
    c.join();
    return Outcome{r1, r2};
  });
  CHECK(seen.count(Outcome{2, 0}) == 0);
  CHECK(seen.count(Outcome{2, 1}) == 1);
  CHECK(seen.count(Outcome{1, 1}) == 1);
}

TEST_CASE("memory model: a failed compare-exchange may read an old value, a successful one only the latest free") {
  const Outcomes seen = outcomes([] {
    sim::Atomic<int> x{0, "x"};
    int r = 0;
    sim::Thread a([&] { x.store(1, rlx); }, "a");
    sim::Thread b([&] {
      int expected = 1;
      r = x.compare_exchange_strong(expected, 2, rlx) ? 10 : expected;
    }, "b");
    a.join();
    b.join();
    return Outcome{r, x.load()};
  });
  // b fails on 0 (before or after a's store, reading the old value), or succeeds on 1.
  CHECK(seen == Outcomes{{0, 1}, {10, 2}});
}

// Each outcome of these shapes is one reads-from graph (every store writes its own value), so an
// optimal search runs exactly one execution per outcome. A relaxed or acquire load that may read
// any store from its floor on gains nothing from running before a store it raced with, and DPOR
// no longer reverses that race: IRIW took 77 executions for its 16 graphs before.
TEST_CASE("memory model: DPOR runs one execution per outcome on MP, IRIW, WRC and ISA2 with weak orders") {
  struct Shape {
    std::string name;
    std::function<Outcome()> body;
  };
  const Shape shapes[] = {
      {"MP relaxed", [] { return message_passing(rlx, rlx, false); }},
      {"MP release/acquire", [] { return message_passing(rel, acq, false); }},
      {"IRIW relaxed", [] { return iriw(rlx, rlx); }},
      {"IRIW release/acquire", [] { return iriw(rel, acq); }},
      {"WRC relaxed", [] { return wrc(rlx, rlx); }},
      {"WRC release/acquire", [] { return wrc(rel, acq); }},
      {"ISA2 relaxed", [] { return isa2(rlx, rlx); }},
      {"ISA2 release/acquire", [] { return isa2(rel, acq); }},
  };
  for (const Shape& shape : shapes) {
    Outcomes seen;
    const sim::Report r = sim::explore([&] { seen.insert(shape.body()); },
                                       {.strategy = sim::Search::Dpor, .progress = sim::Progress::Off});
    CAPTURE(shape.name);
    CHECK(r.complete);
    CHECK(r.ok());
    CHECK(seen == outcomes(shape.body));
    CHECK(r.executions == seen.size());
  }
}
