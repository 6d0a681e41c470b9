// explore: options checked, the strategy for each slice built, the jobs run.
#include "interleave/explore.hpp"

#include <stdexcept>
#include <string>

#include "checker/search_checks.hpp"
#include "checker/minimizer.hpp"
#include "sim/explore/dpor_strategy.hpp"
#include "sim/explore/pct_strategy.hpp"
#include "sim/explore/portfolio_strategy.hpp"
#include "sim/explore/progress.hpp"
#include "sim/explore/sampled_search.hpp"

namespace sim {

std::string_view to_string(Search search) {
  switch (search) {
    case Search::Portfolio: return "portfolio";
    case Search::Random: return "random";
    case Search::Pct: return "pct";
    case Search::Dfs: return "dfs";
    case Search::Dpor: return "dpor";
  }
  return "?";
}

namespace {

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
  if ((o.preemption_bound || o.delay_bound) && o.strategy != Search::Dfs) {
    bad("preemption and delay bounds apply to the dfs strategy, not " + std::string(to_string(o.strategy)));
  }
  if (o.bounding == Bounding::Iterative && !o.preemption_bound && !o.delay_bound) {
    bad("iterative bounding needs a preemption or delay bound to go up to");
  }
}

std::string describe(const ExploreOptions& o) {
  std::string text(to_string(o.strategy));
  switch (o.strategy) {
    case Search::Portfolio:
      text += " (pct depth 1.." + std::to_string(o.depth) + ", random) seed=" + std::to_string(o.seed);
      break;
    case Search::Random: text += " seed=" + std::to_string(o.seed); break;
    case Search::Pct: text += " depth=" + std::to_string(o.depth) + " seed=" + std::to_string(o.seed); break;
    case Search::Dfs:
      if (o.preemption_bound) text += " preemptions<=" + std::to_string(*o.preemption_bound);
      if (o.delay_bound) text += " delays<=" + std::to_string(*o.delay_bound);
      if (o.bounding == Bounding::Iterative) text += " (iterative)";
      break;
    case Search::Dpor: break;
  }
  if (o.shard.count > 1) text += " shard=" + std::to_string(o.shard.index) + "/" + std::to_string(o.shard.count);
  return text;
}

StrategyFactory factory(const ExploreOptions& o, std::uint64_t limit) {
  switch (o.strategy) {
    case Search::Portfolio:
      return [o, limit](Slice s) {
        return std::make_unique<SampledSearch>(std::make_unique<PortfolioStrategy>(o.seed, o.depth), s, limit);
      };
    case Search::Random:
      return [o, limit](Slice s) {
        return std::make_unique<SampledSearch>(std::make_unique<IndexedRandom>(o.seed), s, limit);
      };
    case Search::Pct:
      return [o, limit](Slice s) {
        return std::make_unique<SampledSearch>(std::make_unique<PctStrategy>(o.seed, o.depth), s, limit);
      };
    case Search::Dfs:
      return [o](Slice s) {
        DfsOptions d{.spurious = o.spurious_wakeups, .split_depth = o.split_depth.value_or(5), .slice = s};
        if (o.preemption_bound) d.bound = Bound::Preemptions, d.limit = *o.preemption_bound;
        if (o.delay_bound) d.bound = Bound::Delays, d.limit = *o.delay_bound;
        d.bounding = o.bounding;
        return std::make_unique<DfsStrategy>(d);
      };
    case Search::Dpor:
      return [o](Slice s) {
        return std::make_unique<DporStrategy>(
            DporOptions{.spurious = o.spurious_wakeups, .split_depth = o.split_depth.value_or(0), .slice = s});
      };
  }
  return {};
}

}  // namespace

Report explore(const std::function<void()>& body, const ExploreOptions& options) {
  check(options);
  const bool sampling = options.strategy != Search::Dfs && options.strategy != Search::Dpor;
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
  if (options.checks && (options.checks->races || options.checks->lock_order)) {
    checks = checker::search_checks(*options.checks);
    run.checks = checks.get();
  }
  // Sampling strategies take their budget as the end of their index space.
  Report report = explore_slices(body, factory(options, sampling ? iterations : 0), run, options.stats);
  checker::finish_failures(body, report, options.minimize.value_or(checker::MinimizeOptions{.enabled = false}), options.limits);
  return report;
}

}  // namespace sim
