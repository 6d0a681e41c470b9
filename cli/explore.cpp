// Exploration for run and check: the strategy the flags name, with the scenario's limits.
#include <stdexcept>

#include "cli/cli.hpp"
#include "interleave/explore.hpp"
#include "interleave/interleave.hpp"
#include "sim/explore/progress.hpp"

namespace cli {

// Scenario tasks get a larger stack than C++ tasks: procedure calls nest interpreter frames. Stacks are
// reserved, not committed, so the size costs nothing until a deep recursion touches it.
lang::InterpreterOptions interpreter_options(const Limits& limits) {
  return lang::InterpreterOptions{.stack_size = 512 * 1024, .max_local_work = limits.max_loop_work, .max_call_depth = limits.max_call_depth};
}

sim::ExecutionLimits execution_limits(std::uint32_t max_steps, const Limits& flags) {
  sim::ExecutionLimits limits;
  limits.max_steps = max_steps;
  limits.max_tasks = flags.max_tasks + 1;  // and main
  limits.history_steps = flags.history_steps;
  limits.stack_size = interpreter_options().stack_size;
  return limits;
}

namespace {

sim::ExecutionLimits limits(const ExploreArgs& args) { return execution_limits(args.max_steps, args.limits); }

// Every strategy, on any number of jobs, is sim::explore with the checkers watching every job and
// each failure shrunk as check_random shrinks it: the report does not depend on --jobs. (Its
// random walk is check_random's: execution i depends on the seed and i alone.)
Explored explore_with(const std::function<void()>& body, const ExploreArgs& args) {
  Explored out;
  const sim::StrategyEntry* entry = sim::find_strategy(args.strategy);
  if (entry == nullptr) {
    out.error = "no strategy named '" + args.strategy + "' (there are " + sim::strategies_help() + ")";
    return out;
  }
  sim::ExploreOptions o;
  o.strategy = entry->search;
  // Sampling runs a budget; an exhaustive search runs to its end unless told otherwise.
  o.iterations = args.iterations.value_or(entry->sampling ? args.default_iterations : 0);
  o.time_limit = args.time_limit;
  o.seed = args.seed;
  o.depth = args.depth;
  o.jobs = args.jobs;
  if (args.preemptions) o.preemption_bound = *args.preemptions;
  if (args.order == "random") o.order = sim::SearchOrder::Random;
  o.store = {.max_states = args.max_states, .bitstate = args.bitstate};
  o.on_failure = args.keep_going ? sim::OnFailure::Continue : sim::OnFailure::Stop;
  o.limits = limits(args);
  o.progress = args.progress ? sim::Progress::Auto : sim::Progress::Off;
  out.budget = o.iterations;
  if (args.shard) {
    o.shard = {.index = args.shard->index, .count = args.shard->count};
    o.stats = &out.stats;
  }
  try {
    out.report = sim::explore(body, o);
  } catch (const std::invalid_argument& e) {
    out.error = e.what();
  }
  return out;
}

}  // namespace

const char* default_strategy() { return "portfolio"; }

Explored explore(const std::function<void()>& body, const ExploreArgs& args) { return explore_with(body, args); }

}  // namespace cli
