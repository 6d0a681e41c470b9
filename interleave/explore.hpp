// explore: search a body's interleavings - sampled or exhaustively - on one or more jobs.
//
//   sim::Report r = sim::explore(body, {.strategy = sim::Search::Dpor});
//   CHECK(r.ok());
//   CHECK(r.complete);  // every interleaving, up to reordering independent steps, was run
//
//   sim::explore(body, {.iterations = 100000, .jobs = 2});  // the portfolio, on two threads
//   sim::explore(body, {.strategy = sim::Search::Dfs, .preemption_bound = 2,
//                       .bounding = sim::Bounding::Iterative});  // 0, then 1, then 2 preemptions
//   sim::explore(body, {.strategy = sim::Search::Dfs, .shard = {1, 4}});  // the 2nd quarter
//   sim::explore(body, {.strategy = sim::Search::Dpor, .checks = {.races = false}});  // lock order only
//   sim::explore(body, {.strategy = sim::Search::Dpor, .iterations = 10000,
//                       .order = sim::SearchOrder::Random});  // deep choices not starved
//
// The report is the same for any number of jobs: the same executions, the same first failure
// (the lowest in the order one job would take) with the same token. Shard i of n runs a
// deterministic slice of the search; the n shards together run it exactly once.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "checker/checks.hpp"
#include "checker/minimizer.hpp"
#include "sim/explore/dfs_strategy.hpp"
#include "sim/explore/explorer.hpp"
#include "sim/core/failure.hpp"
#include "interleave/strategies.hpp"
#include "sim/explore/runner.hpp"
#include "sim/explore/state_strategy.hpp"

namespace sim {

struct Shard {
  std::uint32_t index = 0;  // 0-based
  std::uint32_t count = 1;
};

enum class Progress : std::uint8_t { Auto, Off, On };  // Auto: when stderr is a terminal
enum class OnInterrupt : std::uint8_t { Stop, Default };  // Stop: Ctrl-C ends the search, not the process

struct ExploreOptions {
  Search strategy = Search::Portfolio;
  std::uint64_t iterations = 0;  // executions at most; 0: 1000 when sampling, no limit for Dfs and Dpor
  double time_limit = 0;         // seconds; 0 = none
  std::uint64_t seed = 1;        // sampling strategies
  std::uint32_t depth = 3;       // PCT's depth; the portfolio runs depths 1..depth
  std::uint32_t jobs = 1;        // OS threads
  Shard shard{};
  std::optional<std::uint32_t> preemption_bound{};  // Dfs: at most this many preemptions
  std::optional<std::uint32_t> delay_bound{};       // Dfs: at most this many delays
  Bounding bounding = Bounding::Fixed;            // Iterative: bound 0, then 1, ... up to the bound
  // Dfs and Dpor: spurious wake-ups explored per execution (beyond that, waits end only by a
  // notify). Sampling strategies explore them at random, as ExecutionLimits says.
  std::uint32_t spurious_wakeups = 0;
  // Dfs and Dpor: units for jobs and shards are the subtrees under this many choices (Dpor:
  // branching choices; starting a task does not count). Dfs (default 5) explores the same
  // executions whatever the split; Dpor (default 0: one unit, one job) gives up the reduction
  // at the levels split: a trace reachable from several units is run in each.
  std::optional<std::uint32_t> split_depth{};
  // Dpor: the order of its branches. Random (seeded by `seed`) branches at a choice drawn from
  // the whole path, not only the deepest, so a budgeted search is not spent in the subtree of its
  // first choices; the subtrees it leaves unfinished are a gap (GapKind::Skipped). One unit: it
  // takes no split_depth.
  SearchOrder order = SearchOrder::DepthFirst;
  // States: where the states it remembers go (state_strategy.hpp): whole up to a limit, or as bits.
  StateStore store{};
  OnFailure on_failure = OnFailure::Stop;
  // Checkers watching every counted execution on every job: data races and predicted deadlocks
  // (non-fatal findings, with their story and token). On unless turned off:
  // `.checks = {.races = false, .lock_order = false}`.
  checker::Checks checks{};
  // Each failure's schedule shrunk to the fewest preemptions found within a small budget; on
  // unless turned off: `.minimize = {.enabled = false}`.
  checker::MinimizeOptions minimize{};
  ExecutionLimits limits{};
  Progress progress = Progress::Auto;
  OnInterrupt on_interrupt = OnInterrupt::Stop;
  const std::atomic<bool>* cancel = nullptr;  // set from elsewhere to stop early
  ExploreStats* stats = nullptr;              // if set, filled with figures beyond the report
};

// Run the search. Bad options (no jobs, a shard out of range, a bound on a strategy that has
// none) throw std::invalid_argument saying what is wrong.
Report explore(const std::function<void()>& body, const ExploreOptions& options = {});

}  // namespace sim
