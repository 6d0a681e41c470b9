// Tests exact numbers of executions of the exhaustive searches, with and without reduction.
//
// How the counts come about. Spawning, unlocking and joining a finished thread are not
// scheduling points; every read, write, lock and wait is, and so is the start of a thread:
// picking a thread that has not run yet runs it up to its first visible operation. Choices are
// made (and counted) only where two or more tasks can run. Main's join of a thread that has
// not finished waits, and finishing that join is then a step of its own.
#include <doctest/doctest.h>

#include <cstdint>

#include "explore_support.hpp"

using namespace explore_test;

namespace {

std::uint64_t binomial(std::uint64_t n, std::uint64_t k) {
  std::uint64_t r = 1;
  for (std::uint64_t i = 1; i <= k; ++i) r = r * (n - k + i) / i;
  return r;
}

std::uint64_t factorial(std::uint64_t n) { return n <= 1 ? 1 : n * factorial(n - 1); }

}  // namespace

TEST_CASE("two threads with k independent writes: C(2k+3, k+1) executions without reduction, 1 with") {
  // Each thread takes k+1 steps: its start (up to its first write), then one step per write,
  // the last one also finishing it. Main's join of the first thread adds one step that comes
  // after that thread's last one and interleaves with the second thread's remaining steps;
  // its join of the second then adds no choice (that thread has finished, or it is all that
  // can run). So the executions are the interleavings of a chain of k+2 steps with a chain of
  // k+1: C(2k+3, k+1) - 10, 35, 126, 462 for k = 1..4. Every write is to a variable of its
  // own, so all of them are one Mazurkiewicz trace, and DPOR runs one execution.
  for (int k = 1; k <= 4; ++k) {
    CAPTURE(k);
    const Searched dfs = search_dfs([k] { independent(k); });
    CHECK(dfs.report.executions == binomial(2 * k + 3, k + 1));
    CHECK(dfs.report.complete);
    CHECK(dfs.traces.size() == 1);
    const Searched dpor = search_dpor([k] { independent(k); });
    CHECK(dpor.report.executions == 1);
    CHECK(dpor.report.complete);
  }
}

TEST_CASE("n threads each writing a different variable: one execution with reduction") {
  // Without reduction: 10, 238 and 10180 executions for n = 2, 3, 4 (counted by the DFS
  // itself, n = 2 is k = 1 above); every one of them is the same trace.
  const std::uint64_t dfs_counts[] = {10, 238, 10180};
  for (int n = 2; n <= 4; ++n) {
    CAPTURE(n);
    const Searched dfs = search_dfs([n] { writers(n); });
    CHECK(dfs.report.executions == dfs_counts[n - 2]);
    CHECK(dfs.traces.size() == 1);
  }
  for (int n = 2; n <= 8; ++n) {
    CAPTURE(n);
    const Searched dpor = search_dpor([n] { writers(n); });
    CHECK(dpor.report.executions == 1);
    CHECK(dpor.report.complete);
  }
}

TEST_CASE("n threads each incrementing one locked counter once: n! lock orders") {
  // The increments are ordered by the mutex, so a trace is an order in which the threads
  // take it: n! of them. Without reduction 26 and 1646 executions for n = 2, 3 (every way the
  // starts, the joins and the steps inside the critical sections can interleave).
  const Searched dfs2 = search_dfs([] { locked_counter(2); });
  CHECK(dfs2.report.executions == 26);
  CHECK(dfs2.traces.size() == 2);
  const Searched dfs3 = search_dfs([] { locked_counter(3); });
  CHECK(dfs3.report.executions == 1646);
  CHECK(dfs3.traces.size() == 6);
  for (int n = 2; n <= 5; ++n) {
    CAPTURE(n);
    const Searched dpor = search_dpor([n] { locked_counter(n); });
    CHECK(dpor.report.executions == factorial(n));
    CHECK(dpor.report.ok());
    CHECK(dpor.report.complete);
    CHECK(dpor.redundant == 0);
  }
}

TEST_CASE("readers(n) of the Optimal DPOR paper: 2^n traces, one execution each") {
  // Each reader reads x before or after the one write; reads of x commute with each other.
  for (int n = 1; n <= 6; ++n) {
    CAPTURE(n);
    const Searched dpor = search_dpor([n] { readers(n); });
    CHECK(dpor.report.executions == (std::uint64_t{1} << n));
    CHECK(dpor.traces.size() == dpor.report.executions);
  }
}

TEST_CASE("reduction runs exactly one execution per trace of the plain search") {
  // For each program: the traces of every DFS execution are the traces DPOR runs, and DPOR
  // runs each once (optimal: no execution repeats a trace, none is sleep-set blocked).
  const std::vector<std::pair<const char*, std::function<void()>>> programs = {
      {"independent(2)", [] { independent(2); }},
      {"locked_counter(3)", [] { locked_counter(3); }},
      {"lost_update(3)", [] { lost_update(3); }},
      {"readers(2)", [] { readers(2); }},
      {"lastzero(2)", [] { lastzero(2); }},
      {"bank_race", bank_race_2t},
      {"two_locks", two_locks},
      {"tokens(2, 2, notify_one)", [] { tokens(2, 2, false); }},
      {"tokens(2, 2, notify_all)", [] { tokens(2, 2, true); }},
  };
  for (const auto& [name, body] : programs) {
    CAPTURE(name);
    const Searched dfs = search_dfs(body);
    const Searched dpor = search_dpor(body);
    CHECK(dfs.report.complete);
    CHECK(dpor.report.complete);
    CHECK(dpor.traces == dfs.traces);
    CHECK(dpor.report.executions == dpor.traces.size());
    CHECK(dpor.redundant == 0);
  }
}

TEST_CASE("lastzero(n) of the Optimal DPOR paper: (n+3) 2^(n-2) traces, one execution each") {
  // A trace is fixed by where thread 0 stops, k (the first a[k] it reads before thread k wrote
  // it, or 0), and by whether each thread j >= 2 read a[j-1] before or after thread j-1 wrote
  // it. Stopping at k = n or k = 0 leaves those n-1 orders free: 2 * 2^(n-1). Stopping at
  // 0 < k < n forces thread k+1 to read a[k] before thread k writes it (else thread 0 would
  // have seen a[k+1] unwritten): (n-1) * 2^(n-2). In all, (n+3) 2^(n-2): 5, 12, 28, 64 for
  // n = 2..5 - the first two are also the trace counts of the plain search's 2184 and 659232
  // executions, and 64 is the paper's count for lastzero(5).
  for (int n = 2; n <= 5; ++n) {
    CAPTURE(n);
    const Searched dpor = search_dpor([n] { lastzero(n); });
    CHECK(dpor.report.executions == static_cast<std::uint64_t>(n + 3) << (n - 2));
    CHECK(dpor.traces.size() == dpor.report.executions);
    CHECK(dpor.redundant == 0);
  }
}

TEST_CASE("reduction never hides a bug the plain search finds") {
  // Every failure (kind and place) the exhaustive search finds, DPOR finds too, and every
  // token replays to the same failure.
  const std::vector<std::pair<const char*, std::function<void()>>> failing = {
      {"bank race", bank_race_2t},
      {"two-lock deadlock", two_locks},
      {"lost update", [] { lost_update(2); }},
      {"lost update, 3 threads", [] { lost_update(3); }},
  };
  for (const auto& [name, body] : failing) {
    CAPTURE(std::string(name));
    const Searched dfs = search_dfs(body);
    const Searched dpor = search_dpor(body);
    REQUIRE_FALSE(dfs.report.ok());
    for (const sim::Failure& f : dfs.report.failures) {
      // A deadlock is reported where the last task stopped, which differs between equivalent
      // executions (a then b taking their first locks, or b then a): compare its kind only.
      const bool found = std::any_of(dpor.report.failures.begin(), dpor.report.failures.end(), [&](const sim::Failure& g) {
        return f.kind == sim::FailureKind::Deadlock ? g.kind == f.kind : g.same_place(f);
      });
      CHECK(found);
    }
    for (const sim::Failure& g : dpor.report.failures) {
      sim::Report again = sim::replay(body, g.token);
      const sim::Failure* h = again.find(g.kind);
      REQUIRE(h != nullptr);
      CHECK(h->same_place(g));
      CHECK_FALSE(g.nondeterministic);
    }
  }
}

TEST_CASE("preemption bounds: the bank race needs one preemption") {
  // Bound 0 leaves the threads unpreempted: alice then bob, or bob then alice, with main's join
  // step before or after the second thread when alice goes first - 3 executions, no failure.
  sim::Report b0 = sim::explore(bank_race_2t, {.strategy = sim::Search::Dfs, .preemption_bound = 0, .checks = checker::Checks::none()});
  CHECK(b0.executions == 3);
  CHECK(b0.ok());
  CHECK(b0.complete);  // complete within the bound
  sim::Report b1 = sim::explore(bank_race_2t, {.strategy = sim::Search::Dfs, .preemption_bound = 1,
                                            .on_failure = sim::OnFailure::Continue});
  CHECK(b1.executions == 13);
  CHECK(b1.complete);
  REQUIRE(b1.find(sim::FailureKind::AssertionFailed) != nullptr);
  // Iterative bounding walks bound 0 (3 executions), then bound 1, where the 5th finds it.
  sim::Report it = sim::explore(bank_race_2t, {.strategy = sim::Search::Dfs, .preemption_bound = 3,
                                            .bounding = sim::Bounding::Iterative});
  const sim::Failure* f = it.find(sim::FailureKind::AssertionFailed);
  REQUIRE(f != nullptr);
  CHECK(f->execution == 8);
  CHECK(f->found_by == "dfs preemptions<=1 (iterative, up to 3) execution=8");
  sim::Report again = sim::replay(bank_race_2t, f->token);
  CHECK(again.find(sim::FailureKind::AssertionFailed) != nullptr);
}

TEST_CASE("delay bounds: 0 delays is the one round-robin schedule") {
  sim::Report d0 = sim::explore(bank_race_2t, {.strategy = sim::Search::Dfs, .delay_bound = 0});
  CHECK(d0.executions == 1);
  CHECK(d0.complete);
  sim::Report d1 = sim::explore(bank_race_2t, {.strategy = sim::Search::Dfs, .delay_bound = 1,
                                            .on_failure = sim::OnFailure::Continue});
  CHECK(d1.executions == 7);
  CHECK(d1.find(sim::FailureKind::AssertionFailed) != nullptr);
  // Without a bound the same tree has every execution: the bounds only prune it.
  sim::Report all = sim::explore(bank_race_2t, {.strategy = sim::Search::Dfs, .on_failure = sim::OnFailure::Continue});
  CHECK(all.executions == 116);
  CHECK(all.complete);
}
