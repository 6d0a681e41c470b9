// Strategies: the one table of search strategies - name, what each reads of the options, help
// text, how it describes itself and how it is built - read by explore(), the command's flags and
// its --help. A new strategy is a Search value, its files in sim/explore/, and one row here.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "sim/explore/explorer.hpp"

namespace sim {

struct ExploreOptions;

enum class Search : std::uint8_t {
  Portfolio,  // PCT at depths 1..depth, the random walk and POS, interleaved (the default)
  Random,     // the seeded random walk of check_random
  Pct,        // probabilistic concurrency testing at `depth`
  Dfs,        // every interleaving, depth first; bounded by preemption_bound or delay_bound
  Dpor,       // every interleaving up to reordering independent steps (optimal DPOR)
  Pos,        // partial order sampling: random priorities, re-drawn for the events a step races with
  States,     // every reachable state once, remembered (scenario files: lang/sim/sim_state_key.cpp)
};

// The options of ExploreOptions a strategy reads beyond budgets, jobs and checkers, as bits.
enum Takes : unsigned {
  takes_seed = 1,        // seed
  takes_depth = 2,       // depth
  takes_bounds = 4,      // preemption_bound, delay_bound, bounding
  takes_spurious = 8,    // spurious_wakeups
  takes_split = 16,      // split_depth
  takes_order = 32,      // order (and seed, when it is Random)
  takes_store = 64,      // store (max_states, bitstate)
};

struct StrategyEntry {
  Search search;
  std::string_view name;  // as the command's --strategy takes it
  std::string_view help;  // what it does, in a few words
  bool sampling;          // runs a budget of executions (1000 unless told); else runs to its end
  unsigned takes;         // Takes bits
  // The words a report names it by, e.g. "pct depth=3 seed=1" (before any shard).
  std::string (*describe)(const ExploreOptions& options);
  // Builds its strategy for each slice; `limit` is a sampling strategy's budget.
  StrategyFactory (*factory)(const ExploreOptions& options, std::uint64_t limit);
};

// Every strategy, in the order --help lists them.
std::span<const StrategyEntry> strategies();
const StrategyEntry& strategy_entry(Search search);
const StrategyEntry* find_strategy(std::string_view name);  // null if no strategy has that name
std::string_view to_string(Search search);
// "portfolio (PCT and random), random, ... or dpor (...)": the strategies for a help text.
std::string strategies_help();

}  // namespace sim
