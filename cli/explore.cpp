// Exploration for run and check: the strategy the flags name, with the scenario's limits.
#include "cli/cli.hpp"
#include "interleave/interleave.hpp"

namespace cli {

// Scenario tasks get a larger stack than C++ tasks: procedure calls nest interpreter frames. Stacks are
// reserved, not committed, so the size costs nothing until a deep recursion touches it.
lang::InterpreterOptions interpreter_options() { return lang::InterpreterOptions{.stack_size = 512 * 1024}; }

Explored explore(const std::function<void()>& body, const ExploreArgs& args) {
  Explored out;
  sim::ExecutionLimits limits;
  limits.max_steps = args.max_steps;
  limits.stack_size = interpreter_options().stack_size;
  if (args.strategy != "random") {
    out.error = "strategy '" + args.strategy + "' is not available yet (it comes with interleave/explore.hpp); use --strategy random";
    return out;
  }
  if (args.jobs != 1) {
    out.error = "--jobs is not available yet (parallel exploration comes with interleave/explore.hpp); use --jobs 1";
    return out;
  }
  sim::CheckOptions options;
  options.iterations = args.iterations;
  options.seed = args.seed;
  options.time_limit = args.time_limit;
  options.on_failure = args.keep_going ? sim::OnFailure::Continue : sim::OnFailure::Stop;
  options.limits = limits;
  out.report = sim::check_random(body, options);
  return out;
}

}  // namespace cli
