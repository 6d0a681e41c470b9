// Strategies: each row's description and factory, and looking rows up.
#include "interleave/strategies.hpp"

#include "interleave/explore.hpp"
#include "sim/core/errors.hpp"
#include "sim/explore/dfs_strategy.hpp"
#include "sim/explore/dpor_strategy.hpp"
#include "sim/explore/pct_strategy.hpp"
#include "sim/explore/portfolio_strategy.hpp"
#include "sim/explore/pos_strategy.hpp"
#include "sim/explore/sampled_search.hpp"
#include "sim/explore/state_strategy.hpp"

namespace sim {

namespace {

std::string seeded(const ExploreOptions& o, std::string words) { return words + "seed=" + std::to_string(o.seed); }

template <class Member, class... Args>
StrategyFactory sampled(std::uint64_t limit, Args... args) {
  return [=](Slice s) { return std::make_unique<SampledSearch>(std::make_unique<Member>(args...), s, limit); };
}

std::string dfs_words(const ExploreOptions& o) {
  std::string text = "dfs";
  if (o.preemption_bound) text += " preemptions<=" + std::to_string(*o.preemption_bound);
  if (o.delay_bound) text += " delays<=" + std::to_string(*o.delay_bound);
  if (o.bounding == Bounding::Iterative) text += " (iterative)";
  return text;
}

StrategyFactory dfs(const ExploreOptions& o, std::uint64_t) {
  return [o](Slice s) {
    DfsOptions d{.spurious = o.spurious_wakeups, .split_depth = o.split_depth.value_or(5), .slice = s};
    if (o.preemption_bound) d.bound = Bound::Preemptions, d.limit = *o.preemption_bound;
    if (o.delay_bound) d.bound = Bound::Delays, d.limit = *o.delay_bound;
    d.bounding = o.bounding;
    return std::make_unique<DfsStrategy>(d);
  };
}

StrategyFactory dpor(const ExploreOptions& o, std::uint64_t) {
  return [o](Slice s) {
    return std::make_unique<DporStrategy>(DporOptions{
        .spurious = o.spurious_wakeups, .split_depth = o.split_depth.value_or(0), .slice = s, .order = o.order, .seed = o.seed,
        .passes = o.iterations > 0 || o.time_limit > 0});
  };
}

std::string dpor_words(const ExploreOptions& o) {
  return o.order == SearchOrder::Random ? seeded(o, "dpor order=random ") : std::string("dpor");
}

constexpr StrategyEntry table[] = {
    {Search::Portfolio, "portfolio", "PCT, random and POS", true, takes_seed | takes_depth,
     [](const ExploreOptions& o) { return seeded(o, "portfolio (pct depth 1.." + std::to_string(o.depth) + ", random, pos) "); },
     [](const ExploreOptions& o, std::uint64_t limit) { return sampled<PortfolioStrategy>(limit, o.seed, o.depth); }},
    {Search::Random, "random", "", true, takes_seed, [](const ExploreOptions& o) { return seeded(o, "random "); },
     [](const ExploreOptions& o, std::uint64_t limit) { return sampled<IndexedRandom>(limit, o.seed); }},
    {Search::Pct, "pct", "", true, takes_seed | takes_depth,
     [](const ExploreOptions& o) { return seeded(o, "pct depth=" + std::to_string(o.depth) + " "); },
     [](const ExploreOptions& o, std::uint64_t limit) { return sampled<PctStrategy>(limit, o.seed, o.depth); }},
    {Search::Pos, "pos", "partial order sampling", true, takes_seed, [](const ExploreOptions& o) { return seeded(o, "pos "); },
     [](const ExploreOptions& o, std::uint64_t limit) { return sampled<PosStrategy>(limit, o.seed); }},
    {Search::Dfs, "dfs", "every interleaving", false, takes_bounds | takes_spurious | takes_split, dfs_words, dfs},
    {Search::Dpor, "dpor", "every one up to reordering independent steps", false, takes_spurious | takes_split | takes_order,
     dpor_words, dpor},
    {Search::States, "states", "every reachable state once, remembered: scenario files", false, takes_store,
     [](const ExploreOptions&) { return std::string(); },  // the strategy's own words: they say whether it remembered states
     [](const ExploreOptions& o, std::uint64_t) -> StrategyFactory {
       return [store = o.store](Slice s) { return std::make_unique<StateSearch>(s, store); };
     }},
};

// A compile error here when a Search value has no row.
constexpr bool has_row(Search s) {
  switch (s) {
    case Search::Portfolio:
    case Search::Random:
    case Search::Pct:
    case Search::Pos:
    case Search::Dfs:
    case Search::Dpor:
    case Search::States:
      for (const StrategyEntry& e : table) {
        if (e.search == s) return true;
      }
  }
  return false;
}
static_assert(has_row(Search::Portfolio) && has_row(Search::Random) && has_row(Search::Pct) && has_row(Search::Pos) &&
              has_row(Search::Dfs) && has_row(Search::Dpor) && has_row(Search::States));

}  // namespace

std::span<const StrategyEntry> strategies() { return table; }

const StrategyEntry& strategy_entry(Search search) {
  for (const StrategyEntry& e : table) {
    if (e.search == search) return e;
  }
  internal_error("a search strategy without a row in the table");
}

const StrategyEntry* find_strategy(std::string_view name) {
  for (const StrategyEntry& e : table) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::string_view to_string(Search search) { return strategy_entry(search).name; }

std::string strategies_help() {
  std::string out;
  for (std::size_t i = 0; i < std::size(table); ++i) {
    if (i > 0) out += i + 1 == std::size(table) ? " or " : ", ";
    out += table[i].name;
    if (!table[i].help.empty()) out += " (" + std::string(table[i].help) + ")";
  }
  return out;
}

}  // namespace sim
