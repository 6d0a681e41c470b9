// explore: options checked, the strategy for each slice built, the jobs run.
#include "interleave/explore.hpp"

#include <stdexcept>
#include <string>

#include "checker/minimizer.hpp"
#include "checker/search_checks.hpp"
#include "sim/explore/progress.hpp"

namespace sim {

namespace {

// The strategies that read option `bit`, by name: "dfs", "dfs or pct".
std::string takers(unsigned bit) {
  std::string names;
  for (const StrategyEntry& e : strategies()) {
    if ((e.takes & bit) == 0) continue;
    names += (names.empty() ? "" : " or ") + std::string(e.name);
  }
  return names;
}

void check(const ExploreOptions& o) {
  auto bad = [](const std::string& what) { throw std::invalid_argument("explore: " + what); };
  if (o.jobs == 0) bad("jobs must be at least 1");
  if (o.shard.count == 0) bad("shard count must be at least 1");
  if (o.shard.index >= o.shard.count) {
    bad("shard " + std::to_string(o.shard.index) + "/" + std::to_string(o.shard.count) +
        " does not exist (shards are numbered 0.." + std::to_string(o.shard.count - 1) + ")");
  }
  if (o.depth == 0) bad("PCT depth must be at least 1");
  if (o.preemption_bound && o.delay_bound) bad("give a preemption bound or a delay bound, not both");
  if ((o.preemption_bound || o.delay_bound) && (strategy_entry(o.strategy).takes & takes_bounds) == 0) {
    bad("preemption and delay bounds apply to the " + takers(takes_bounds) + " strategy, not " + std::string(to_string(o.strategy)));
  }
  if (o.bounding == Bounding::Iterative && !o.preemption_bound && !o.delay_bound) {
    bad("iterative bounding needs a preemption or delay bound to go up to");
  }
  if (o.order == SearchOrder::Random && (strategy_entry(o.strategy).takes & takes_order) == 0) {
    bad("the random order applies to the " + takers(takes_order) + " strategy, not " + std::string(to_string(o.strategy)));
  }
  if ((o.store.max_states > 0 || o.store.bitstate > 0) && (strategy_entry(o.strategy).takes & takes_store) == 0) {
    bad("a store of states (max_states, bitstate) applies to the " + takers(takes_store) + " strategy, not " + std::string(to_string(o.strategy)));
  }
  if (o.store.bitstate != 0 && (o.store.bitstate < 10 || o.store.bitstate > 40)) {
    bad("bitstate takes 10 to 40 (a table of 2^bits bits), not " + std::to_string(o.store.bitstate));
  }
  if (o.order == SearchOrder::Random && o.split_depth.value_or(0) > 0) {
    bad("the random order branches anywhere in one tree: it takes no split depth (split_depth " + std::to_string(*o.split_depth) + ")");
  }
}

std::string describe(const ExploreOptions& o) {
  std::string text = strategy_entry(o.strategy).describe(o);
  if (o.shard.count > 1) text += " shard=" + std::to_string(o.shard.index) + "/" + std::to_string(o.shard.count);
  return text;
}

}  // namespace

Report explore(const std::function<void()>& body, const ExploreOptions& options) {
  check(options);
  const StrategyEntry& entry = strategy_entry(options.strategy);
  const bool sampling = entry.sampling;
  const std::uint64_t iterations = options.iterations > 0 ? options.iterations : sampling ? 1000 : 0;
  ExploreRun run{.iterations = iterations,
                 .time_limit = options.time_limit,
                 .on_failure = options.on_failure,
                 .limits = options.limits,
                 .jobs = options.jobs,
                 .shard = options.shard.index,
                 .shards = options.shard.count,
                 .cancel = options.cancel,
                 .description = describe(options)};
  const bool terminal = stderr_is_terminal();
  if (options.progress == Progress::On || (options.progress == Progress::Auto && terminal)) {
    run.progress = ProgressLine::On;
  }
  std::optional<SigintStop> sigint;
  if (options.on_interrupt == OnInterrupt::Stop) sigint.emplace();
  std::unique_ptr<SearchChecks> checks;
  if (options.checks.any()) {
    checks = checker::search_checks(options.checks);
    run.checks = checks.get();
  }
  // Sampling strategies take their budget as the end of their index space.
  Report report = explore_slices(body, entry.factory(options, sampling ? iterations : 0), run, options.stats);
  // A search ended by its time limit has spent its time: its failures are told as found.
  checker::MinimizeOptions minimize = options.minimize;
  if (report.time_limit_reached) minimize.enabled = false;
  checker::finish_failures(body, report, minimize, options.limits);
  return report;
}

}  // namespace sim
