// Tests jobs and shards: reports that do not depend on the number of jobs, shards that cover
// the search exactly once, budgets, cancellation, Ctrl-C, the progress line and bad options.
#include <doctest/doctest.h>

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "explore_support.hpp"

using namespace explore_test;

namespace {

// Everything in a report that must not depend on how many jobs produced it.
void same_for_any_jobs(const sim::Report& a, const sim::Report& b) {
  CHECK(a.executions == b.executions);
  CHECK(a.complete == b.complete);
  CHECK(a.interrupted == b.interrupted);
  CHECK(a.strategy == b.strategy);
  REQUIRE(a.failures.size() == b.failures.size());
  for (std::size_t i = 0; i < a.failures.size(); ++i) {
    const sim::Failure& f = a.failures[i];
    const sim::Failure& g = b.failures[i];
    CHECK(f.kind == g.kind);
    CHECK(f.message == g.message);
    CHECK(f.execution == g.execution);
    CHECK(f.found_by == g.found_by);
    CHECK(f.token == g.token);
  }
}

sim::ExploreOptions with_jobs(sim::ExploreOptions o, std::uint32_t jobs) {
  o.jobs = jobs;
  return o;
}

const std::vector<std::pair<const char*, sim::ExploreOptions>>& parallel_searches() {
  static const std::vector<std::pair<const char*, sim::ExploreOptions>> all = {
      {"portfolio", {.iterations = 700}},
      {"random", {.strategy = sim::Search::Random, .iterations = 700, .seed = 3}},
      {"pct", {.strategy = sim::Search::Pct, .iterations = 700, .seed = 5, .depth = 2}},
      {"pos", {.strategy = sim::Search::Pos, .iterations = 700, .seed = 7}},
      {"dfs", {.strategy = sim::Search::Dfs}},
      {"dfs, bounded", {.strategy = sim::Search::Dfs, .preemption_bound = 2}},
      {"dpor split at 4", {.strategy = sim::Search::Dpor, .split_depth = 4}},
  };
  return all;
}

}  // namespace

TEST_CASE("jobs=1 and jobs=2 give the same report: first failure, its execution and token") {
  for (const auto& [name, options] : parallel_searches()) {
    CAPTURE(std::string(name));
    for (auto body : {&bank_race_2t, &two_locks}) {
      sim::Report one = sim::explore(body, with_jobs(options, 1));
      sim::Report two = sim::explore(body, with_jobs(options, 2));
      REQUIRE_FALSE(one.ok());
      same_for_any_jobs(one, two);
    }
  }
}

TEST_CASE("jobs=1 and jobs=2 give the same report when every failure is kept") {
  for (const auto& [name, options] : parallel_searches()) {
    CAPTURE(std::string(name));
    sim::ExploreOptions o = options;
    o.on_failure = sim::OnFailure::Continue;
    sim::ExploreStats s1, s2;
    o.stats = &s1;
    sim::Report one = sim::explore([] { lost_update(3); }, with_jobs(o, 1));
    o.stats = &s2;
    sim::Report two = sim::explore([] { lost_update(3); }, with_jobs(o, 2));
    same_for_any_jobs(one, two);
    CHECK(s1.digest == s2.digest);  // the very same executions
  }
}

TEST_CASE("jobs=1 and jobs=2 agree under an iteration budget that cuts an exhaustive search") {
  for (std::uint64_t budget : {1u, 57u, 500u}) {
    CAPTURE(budget);
    sim::ExploreOptions o{.strategy = sim::Search::Dfs, .iterations = budget, .on_failure = sim::OnFailure::Continue};
    sim::Report one = sim::explore([] { locked_counter(3); }, with_jobs(o, 1));
    sim::Report two = sim::explore([] { locked_counter(3); }, with_jobs(o, 2));
    same_for_any_jobs(one, two);
    CHECK(one.executions == budget);
    CHECK_FALSE(one.complete);
  }
}

TEST_CASE("shards 0/2 and 1/2 together cover exactly what one run covers") {
  for (const auto& [name, options] : parallel_searches()) {
    CAPTURE(std::string(name));
    sim::ExploreOptions o = options;
    o.on_failure = sim::OnFailure::Continue;
    sim::ExploreStats whole, first, second;
    o.stats = &whole;
    sim::Report all = sim::explore([] { locked_counter(3); }, o);
    o.stats = &first;
    o.shard = {0, 2};
    sim::Report a = sim::explore([] { locked_counter(3); }, o);
    o.stats = &second;
    o.shard = {1, 2};
    sim::Report b = sim::explore([] { locked_counter(3); }, with_jobs(o, 2));  // jobs within a shard
    CHECK(a.executions > 0);
    CHECK(b.executions > 0);
    CHECK(a.executions + b.executions == all.executions);
    CHECK(first.digest + second.digest == whole.digest);
    CHECK(a.complete == all.complete);
    CHECK(b.complete == all.complete);
  }
}

TEST_CASE("shards of DPOR without a split: shard 0 has the one unit") {
  sim::Report all = sim::explore([] { locked_counter(3); }, {.strategy = sim::Search::Dpor});
  sim::Report a = sim::explore([] { locked_counter(3); }, {.strategy = sim::Search::Dpor, .shard = {0, 2}});
  sim::Report b = sim::explore([] { locked_counter(3); }, {.strategy = sim::Search::Dpor, .shard = {1, 2}});
  CHECK(all.executions == 6);
  CHECK(a.executions == 6);
  CHECK(b.executions == 0);
  CHECK(b.complete);
}

TEST_CASE("splitting DPOR keeps every trace and loses some reduction at the top") {
  for (std::uint32_t split : {1u, 2u, 4u, 8u}) {
    CAPTURE(split);
    const Searched full = search_dpor([] { locked_counter(3); });
    const Searched cut = search_dpor([] { locked_counter(3); }, {.split_depth = split});
    CHECK(cut.traces == full.traces);
    CHECK(cut.report.complete);
    CHECK(cut.report.executions >= full.report.executions);
  }
}

// Bodies that start every task before any of them interacts: the nodes that only start a task
// do not count toward the split, so the search still falls into several units. Each unit is
// searched as if its siblings did not exist, so the units together hold every trace (no
// sibling's step stands asleep in a unit in place of wake-up sequences it never learns:
// readers(3) lost a trace that way, lost_update(3) six). Counted by hand: lastzero(5) has
// (5+3) 2^3 = 64 traces, readers(3) 2^3 = 8.
TEST_CASE("splitting DPOR below the tasks' starts: several units that together hold every trace") {
  const std::vector<std::pair<const char*, std::function<void()>>> bodies = {
      {"lastzero(5)", [] { lastzero(5); }}, {"readers(3)", [] { readers(3); }},
      {"lost_update(3)", [] { lost_update(3); }}, {"tokens(2, 2)", [] { tokens(2, 2, false); }},
      {"bank_race", bank_race_2t}, {"two_locks", two_locks}};
  for (const auto& [name, body] : bodies) {
    const Searched full = search_dpor(body);
    for (std::uint32_t split : {1u, 2u, 3u}) {
      CAPTURE(std::string(name));
      CAPTURE(split);
      const Searched cut = search_dpor(body, {.split_depth = split});
      CHECK(cut.traces == full.traces);
      CHECK(cut.report.complete);
      sim::ExploreStats stats;
      sim::ExploreOptions o{.strategy = sim::Search::Dpor, .split_depth = split, .on_failure = sim::OnFailure::Continue};
      o.stats = &stats;
      const sim::Report whole = sim::explore(body, o);
      CHECK(stats.units > 1);
      o.stats = nullptr;
      o.shard = {0, 2};
      const sim::Report a = sim::explore(body, o);
      o.shard = {1, 2};
      const sim::Report b = sim::explore(body, o);
      CHECK(a.executions + b.executions == whole.executions);
      o.shard = {};
      o.jobs = 2;
      same_for_any_jobs(whole, sim::explore(body, o));
    }
  }
  CHECK(search_dpor([] { lastzero(5); }).traces.size() == 64);
  CHECK(search_dpor([] { readers(3); }).traces.size() == 8);
}

TEST_CASE("a time limit stops the search; it is not an interruption") {
  const auto start = std::chrono::steady_clock::now();
  sim::Report r = sim::explore([] { lastzero(6); }, {.strategy = sim::Search::Dfs, .time_limit = 0.2, .jobs = 2});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds < 5);
  CHECK(r.executions > 0);
  CHECK_FALSE(r.complete);
  CHECK_FALSE(r.interrupted);
}

TEST_CASE("the cancel flag stops the search and the report says so") {
  std::atomic<bool> cancel{true};
  sim::Report r = sim::explore(bank_race_2t, {.strategy = sim::Search::Dfs, .cancel = &cancel});
  CHECK(r.executions == 0);
  CHECK(r.interrupted);
  CHECK_FALSE(r.complete);
}

TEST_CASE("Ctrl-C stops the search cleanly and the report keeps what was found") {
  struct sigaction before {};
  sigaction(SIGINT, nullptr, &before);
  std::thread interrupter([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    kill(getpid(), SIGINT);
  });
  sim::Report r = sim::explore([] { lost_update(7); }, {.strategy = sim::Search::Dfs, .on_failure = sim::OnFailure::Continue});
  interrupter.join();
  CHECK(r.interrupted);
  CHECK_FALSE(r.complete);
  CHECK(r.executions > 0);
  CHECK(r.find(sim::FailureKind::AssertionFailed) != nullptr);  // found before the interrupt
  // The handler from before the search is back.
  struct sigaction now {};
  sigaction(SIGINT, nullptr, &now);
  CHECK(reinterpret_cast<void*>(now.sa_handler) == reinterpret_cast<void*>(before.sa_handler));
}

TEST_CASE("the progress line goes to a terminal only, and is erased when the search ends") {
  auto stderr_of = [](sim::Progress progress) {
    std::FILE* file = std::tmpfile();
    std::fflush(stderr);
    const int saved = dup(STDERR_FILENO);
    dup2(fileno(file), STDERR_FILENO);
    sim::explore([] { lastzero(4); }, {.strategy = sim::Search::Dfs, .iterations = 20000, .progress = progress});
    std::fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    std::string text;
    std::rewind(file);
    for (int c; (c = std::fgetc(file)) != EOF;) text += static_cast<char>(c);
    std::fclose(file);
    return text;
  };
  CHECK(stderr_of(sim::Progress::Auto).empty());  // a file is not a terminal
  CHECK(stderr_of(sim::Progress::Off).empty());
  const std::string drawn = stderr_of(sim::Progress::On);
  CHECK(drawn.find("executions") != std::string::npos);
  CHECK(drawn.size() >= 4);
  CHECK(drawn.substr(drawn.size() - 4) == "\r\033[K");  // the last thing written erases the line
}

TEST_CASE("bad options are refused with a message") {
  auto refused = [](const sim::ExploreOptions& o, const std::string& part) {
    try {
      sim::explore([] {}, o);
    } catch (const std::invalid_argument& e) {
      CHECK_MESSAGE(std::string(e.what()).find(part) != std::string::npos, e.what());
      return true;
    }
    return false;
  };
  CHECK(refused({.jobs = 0}, "jobs"));
  CHECK(refused({.shard = {2, 2}}, "shard 2/2 does not exist"));
  CHECK(refused({.shard = {0, 0}}, "shard count"));
  CHECK(refused({.strategy = sim::Search::Dpor, .preemption_bound = 1}, "dfs strategy"));
  CHECK(refused({.strategy = sim::Search::Dfs, .preemption_bound = 1, .delay_bound = 1}, "not both"));
  CHECK(refused({.strategy = sim::Search::Dfs, .bounding = sim::Bounding::Iterative}, "iterative"));
}
