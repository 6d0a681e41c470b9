// Exploration for run and check: the strategy the flags name, with the scenario's limits.
#include <stdexcept>

#include "cli/cli.hpp"
#include "interleave/interleave.hpp"
#include "sim/explore/progress.hpp"

// The strategies beyond the random walk come with interleave/explore.hpp; until a tree has it,
// the random walk is all there is.
#if __has_include("interleave/explore.hpp")
#include "interleave/explore.hpp"
#define INTERLEAVE_CLI_HAS_EXPLORE 1
#endif

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

#ifdef INTERLEAVE_CLI_HAS_EXPLORE

// Every strategy, on any number of jobs, is sim::explore with the checkers watching every job and
// each failure shrunk as check_random shrinks it: the report does not depend on --jobs. (Its
// random walk is check_random's: execution i depends on the seed and i alone.)
Explored explore_with(const std::function<void()>& body, const ExploreArgs& args) {
  Explored out;
  sim::ExploreOptions o;
  if (args.strategy == "random") o.strategy = sim::Search::Random;
  if (args.strategy == "pct") o.strategy = sim::Search::Pct;
  if (args.strategy == "dfs") o.strategy = sim::Search::Dfs;
  if (args.strategy == "dpor") o.strategy = sim::Search::Dpor;
  if (args.strategy == "portfolio") o.strategy = sim::Search::Portfolio;
  const bool exhaustive = o.strategy == sim::Search::Dfs || o.strategy == sim::Search::Dpor;
  // Sampling runs a budget; an exhaustive search runs to its end unless told otherwise.
  o.iterations = args.iterations.value_or(exhaustive ? 0 : args.default_iterations);
  o.time_limit = args.time_limit;
  o.seed = args.seed;
  o.depth = args.depth;
  o.jobs = args.jobs;
  if (args.preemptions) o.preemption_bound = *args.preemptions;
  o.on_failure = args.keep_going ? sim::OnFailure::Continue : sim::OnFailure::Stop;
  o.limits = limits(args);
  o.progress = args.progress ? sim::Progress::Auto : sim::Progress::Off;
  o.checks = checker::Checks{};
  o.minimize = checker::MinimizeOptions{};
  try {
    out.report = sim::explore(body, o);
  } catch (const std::invalid_argument& e) {
    out.error = e.what();
  }
  return out;
}

#else

Explored random_walk(const std::function<void()>& body, const ExploreArgs& args) {
  Explored out;
  sim::CheckOptions options;
  options.iterations = args.iterations.value_or(args.default_iterations);
  options.seed = args.seed;
  options.time_limit = args.time_limit;
  options.on_failure = args.keep_going ? sim::OnFailure::Continue : sim::OnFailure::Stop;
  options.limits = limits(args);
  options.cancel = &sim::SigintStop::flag();  // the command keeps a SigintStop alive
  out.report = sim::check_random(body, options);
  return out;
}

Explored explore_with(const std::function<void()>& body, const ExploreArgs& args) {
  Explored out;
  if (args.strategy != "random") {
    out.error = "strategy '" + args.strategy + "' is not available in this build (it comes with interleave/explore.hpp); use --strategy random";
    return out;
  }
  if (args.jobs != 1) {
    out.error = "--jobs is not available in this build (parallel exploration comes with interleave/explore.hpp); use --jobs 1";
    return out;
  }
  return random_walk(body, args);
}

#endif

}  // namespace

const char* default_strategy() { return "random"; }

Explored explore(const std::function<void()>& body, const ExploreArgs& args) { return explore_with(body, args); }

}  // namespace cli
