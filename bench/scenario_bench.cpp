// scenario_bench: executions per second of a scenario file against the same body written in C++.
// Prints one line per case: case=<name> executions=<n> seconds=<s> exec_per_s=<r> (median of runs),
// then ratio=<scenario/C++>. The bar: the scenario runs at no less than a third of the C++ rate.
//
//   scenario_bench [SCALE [FILE]]   SCALE below 1 makes a quick run; FILE defaults to bank_locked.scn
//   scenario_bench walk N [FILE]    check_random on the scenario, N executions, as `interleave run
//                                   --strategy random -n N FILE` runs them (checkers and shrinking on,
//                                   seed 1): farm-bench the two commands side by side to see what the
//                                   command adds to the random walk. Prints case=walk ... exec_per_s=<r>.
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "interleave/interleave.hpp"
#include "lang/scenario.hpp"
#include "sim/explore/random_strategy.hpp"
#include "sim/explore/runner.hpp"
#include "sim/sim.hpp"
#include "tests/bodies.hpp"

#ifndef INTERLEAVE_SOURCE_DIR
#define INTERLEAVE_SOURCE_DIR "."
#endif

namespace {

using Clock = std::chrono::steady_clock;

double rate(const std::function<void()>& body, std::uint64_t executions, int repeats, std::uint64_t& ran) {
  std::vector<double> rates;
  for (int i = 0; i < repeats; ++i) {
    sim::Runner runner(sim::RunOptions{.iterations = executions, .limits = {.stack_size = 512 * 1024}});
    sim::RandomStrategy strategy(1);
    const auto start = Clock::now();
    const sim::Report report = runner.run(body, strategy);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (!report.ok()) {
      fmt::print(stderr, "scenario_bench: the body failed: {}\n", report.failures.front().message);
      std::exit(1);
    }
    ran = report.executions;
    rates.push_back(static_cast<double>(report.executions) / seconds);
  }
  std::sort(rates.begin(), rates.end());
  return rates[rates.size() / 2];
}

// The command's random walk without the command: the same body, stack size and seed.
int walk(const lang::Loaded& loaded, std::uint64_t executions) {
  const std::size_t stack_size = 512 * 1024;
  const auto start = Clock::now();
  const sim::Report report = sim::check_random(lang::make_body(loaded.program, {.stack_size = stack_size}),
                                               {.iterations = executions, .seed = 1, .limits = {.stack_size = stack_size}});
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  fmt::print("case=walk executions={} seconds={:.3f} exec_per_s={:.0f} failures={}\n", report.executions, seconds,
             static_cast<double>(report.executions) / seconds, report.failures.size());
  return report.failures.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const bool walking = argc > 2 && std::string(argv[1]) == "walk";
  const int file_arg = walking ? 3 : 2;
  const std::string file = argc > file_arg ? argv[file_arg] : std::string(INTERLEAVE_SOURCE_DIR) + "/scenarios/bank_locked.scn";
  const lang::Loaded loaded = lang::load_file(file);
  if (!loaded.ok()) {
    fmt::print(stderr, "{}", loaded.error->render());
    return 2;
  }
  if (walking) return walk(loaded, std::strtoull(argv[2], nullptr, 10));
  const double scale = argc > 1 ? std::atof(argv[1]) : 1.0;
  const auto executions = static_cast<std::uint64_t>(std::max(1.0, 500000 * scale));
  const int repeats = 5;
  std::uint64_t ran = 0;
  const double cpp = rate(&bodies::bank_locked<std::int64_t>, executions, repeats, ran);
  fmt::print("case=bank_locked_cpp executions={} exec_per_s={:.0f}\n", ran, cpp);
  const double scenario = rate(lang::make_body(loaded.program, {.stack_size = 512 * 1024}), executions, repeats, ran);
  fmt::print("case=bank_locked_scn executions={} exec_per_s={:.0f}\n", ran, scenario);
  fmt::print("ratio={:.2f} (scenario / C++; the bar is 0.33)\n", scenario / cpp);
  return 0;
}
